package dev.interactiondemo.engine;

/**
 * One part's pods as observed: on a cluster, its Deployment's status; in the sandbox, the processes it runs.
 *
 * @param created   whether the part exists at all (its Deployment was created)
 * @param ready     pods (or processes) that pass their readiness check
 * @param available pods available to serve (on a cluster: ready for the Deployment's minReadySeconds)
 * @param problem   why none is available, in the words of whoever knows (the Deployment's failing condition, the
 *                  process's own not-ready reason), or null
 */
public record Workload(boolean created, int ready, int available, String problem) {
    /** A part not created yet. */
    public static final Workload ABSENT = new Workload(false, 0, 0, null);

    /** A part running {@code ready} ready pods, all available. */
    public static Workload running(int ready, String problem) {
        return new Workload(true, ready, ready, problem);
    }
}
