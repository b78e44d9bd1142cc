package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.spec.InteractionDemoSpec;
import dev.interactiondemo.api.status.InteractionDemoStatus;

/**
 * The demo as a lesson sees it at one look.
 *
 * @param spec       the demo's spec (the "before" of the fields the lesson switches)
 * @param status     the demo's status: the figures the hypotheses are about; null before its first status
 * @param groupEmpty whether the Workers' consumer group has no member now (a rewind waits for it); null when unknown
 */
public record DemoLook(InteractionDemoSpec spec, InteractionDemoStatus status, Boolean groupEmpty) {
}
