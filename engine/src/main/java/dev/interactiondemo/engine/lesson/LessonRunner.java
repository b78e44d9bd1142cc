package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;

import java.time.Instant;

/**
 * A lesson's run, one look at a time: the same for the operator and the sandbox. It is pure: everything it knows is in
 * the lesson's status (so a run goes on after an operator restart), and what it asks of its runner is in the
 * {@link LessonActions} it returns.
 *
 * <p>Each look: a Pending run starts (records the demo's figures); a step begins (its switches recorded with what
 * they were before, so they can be given back), lasts (hold, or until its hypothesis holds, at most its timeout) and
 * ends (its atEnd hypotheses judged); the lesson's own hypotheses are judged at the end; then every switch is given
 * back and the phase says the verdict.
 */
public final class LessonRunner {

    private LessonRunner() {
    }

    /**
     * One look at the demo.
     *
     * @param spec   the lesson's spec (a catalogue lesson is resolved here)
     * @param status the lesson's status, updated in place (a new one when null: pass the returned one's... see
     *               {@link #initial})
     * @param demo   the demo as it is now; null when it does not exist
     * @param now    the time of the look
     */
    public static LessonActions look(InteractionLessonSpec spec, InteractionLessonStatus status, DemoLook demo,
                                     Instant now) {
        throw new UnsupportedOperationException("being written");
    }

    /** A new lesson's status: Pending, nothing seen. */
    public static InteractionLessonStatus initial(InteractionLessonSpec spec) {
        throw new UnsupportedOperationException("being written");
    }

    /** The runner waits for something outside the lesson (another lesson on the demo): Pending, saying why. */
    public static void waiting(InteractionLessonStatus status, String why, Instant now) {
        throw new UnsupportedOperationException("being written");
    }

    /** The runner's report: the rewind moved the Workers' group back by {@code moved} messages in all. */
    public static void rewound(InteractionLessonStatus status, long moved, Instant now) {
        throw new UnsupportedOperationException("being written");
    }

    /** The runner's report: every switched field is given back. */
    public static void restored(InteractionLessonStatus status, Instant now) {
        throw new UnsupportedOperationException("being written");
    }
}
