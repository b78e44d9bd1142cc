package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.engine.StatusCalculator;
import dev.interactiondemo.operator.status.StatusDiff;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write phase of a reconcile: whether and when a computed status is written, the write itself (server-side
 * apply of the status, as the operator's field manager), and the Events that tell of what changed. Statuses are
 * written only when they say something new, at least {@link #WRITE_SPACING} apart, and a new demo's first status waits
 * a moment for the first look at its Kafka and its Greeter.
 */
final class StatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    /**
     * How long a status may wait for a look under way (a new demo's first look at its Kafka, the first counts of a
     * topic just made): the observer's address check has a deadline of 3 s, and while hundreds of demos arrive at
     * once the first look at each comes a few seconds late.
     */
    static final Duration FIRST_LOOK_WAIT = Duration.ofSeconds(5);
    /**
     * The least time between two status writes of a demo: what changes within it (a health check's answer, a
     * Deployment created, a reading) is written together, so a new demo costs a few writes, not one per event.
     */
    static final Duration WRITE_SPACING = Duration.ofMillis(500);
    private static final int HTTP_NOT_FOUND = 404;

    /** What became of a computed status. */
    enum Outcome { UNCHANGED, WRITTEN, DEMO_GONE }

    /** The outcome, and how soon the demo should be reconciled again for it (null: no sooner than usual). */
    record Decision(Outcome outcome, Duration retryIn) {
    }

    private final DemoMetrics metrics;
    private final DemoStatuses statuses;
    private final DemoEvents events;
    private final Clock clock;
    /** When each demo's status was last written. */
    private final Map<ResourceID, Instant> lastWrites = new ConcurrentHashMap<>();
    /** Since when a look at each demo has been under way (its first, or the first counts of a topic just made). */
    private final Map<ResourceID, Instant> firstLooks = new ConcurrentHashMap<>();

    StatusWriter(DemoMetrics metrics, DemoStatuses statuses, DemoEvents events, Clock clock) {
        this.metrics = metrics;
        this.statuses = statuses;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records {@code next} for the metrics and the page, and writes it when it says something new.
     *
     * @param firstLookUnderWay whether the first look at the demo's Kafka or its Greeter's first health answer is due
     * @param countsDue         whether the demo's topic was just made and its first counts are due
     */
    Decision write(InteractionDemo demo, InteractionDemoStatus next, boolean firstLookUnderWay, boolean countsDue,
                   Context<InteractionDemo> context) {
        ResourceID id = ResourceID.fromResource(demo);
        InteractionDemoStatus previous = demo.getStatus();
        metrics.record(demo, next);
        statuses.record(demo, next);
        if (!StatusCalculator.changed(previous, next)) {
            return new Decision(Outcome.UNCHANGED, null);
        }
        Duration lookWait = previous == null && firstLookUnderWay || countsDue ? lookWait(id) : Duration.ZERO;
        if (!lookWait.isZero()) {
            // One status that says where the topic and the Greeter stand, not "observing" followed by them; one
            // that says a topic just made is ready with its counts, not ready and then its counts.
            return new Decision(Outcome.UNCHANGED, lookWait);
        }
        Duration spacing = writeSpacingLeft(id);
        if (!spacing.isZero()) {
            // Written a moment ago: the changes of the next moment go together in one write.
            return new Decision(Outcome.UNCHANGED, spacing);
        }
        lastWrites.put(id, clock.instant());
        firstLooks.remove(id);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Writing the status of {}: {}", Names.key(demo), StatusDiff.describe(previous, next));
        }
        try {
            patchStatus(demo, next, context);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.info("{} was deleted while its status was being written", Names.key(demo));
            return new Decision(Outcome.DEMO_GONE, null);
        }
        // Only now that the status says so: the Events tell of transitions a reader can see in the status.
        events.recordTransitions(context.getClient(), demo, previous == null ? null : previous.getConditions(),
                next.getConditions());
        return new Decision(Outcome.WRITTEN, null);
    }

    void forget(InteractionDemo demo) {
        ResourceID id = ResourceID.fromResource(demo);
        lastWrites.remove(id);
        firstLooks.remove(id);
        metrics.forget(demo);
        statuses.forget(demo);
    }

    /** How long until the demo's status may be written again; zero when now. */
    private Duration writeSpacingLeft(ResourceID id) {
        Instant last = lastWrites.get(id);
        return last == null ? Duration.ZERO : until(last.plus(WRITE_SPACING));
    }

    /**
     * How much longer a status may wait for a look under way; zero when no longer. Counted from the first reconcile
     * that found it under way, not from the demo's creation: while hundreds of demos arrive at once, the last ones'
     * first reconciles come more than the wait after their creation.
     */
    private Duration lookWait(ResourceID id) {
        return until(firstLooks.computeIfAbsent(id, k -> clock.instant()).plus(FIRST_LOOK_WAIT));
    }

    /** The time left until {@code deadline} (a millisecond more, so a reconcile then finds it passed); zero after it. */
    private Duration until(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ZERO : left.plusMillis(1);
    }

    /** Patches the status (server-side apply, as the operator's field manager) and caches the result. */
    private static void patchStatus(InteractionDemo demo, InteractionDemoStatus status,
                                    Context<InteractionDemo> context) {
        InteractionDemo patch = new InteractionDemo();
        patch.setMetadata(new ObjectMetaBuilder().withName(demo.getMetadata().getName())
                .withNamespace(demo.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(demo, patch, context);
        demo.setStatus(status);
    }
}
