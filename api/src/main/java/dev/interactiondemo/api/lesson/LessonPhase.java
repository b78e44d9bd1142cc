package dev.interactiondemo.api.lesson;

/** Where a lesson's run is. */
public enum LessonPhase {
    /** Not started: waiting for its demo, or for another lesson on the same demo to end. */
    Pending,
    Running,
    /** Ended, every hypothesis Passed. */
    Passed,
    /** Ended, at least one hypothesis Failed or Inconclusive. */
    Failed,
    /** Ended early: asked to (spec.abort), its demo deleted, or its steps made no sense for the demo. */
    Aborted;

    /** Whether the run has ended. */
    public boolean ended() {
        return this == Passed || this == Failed || this == Aborted;
    }
}
