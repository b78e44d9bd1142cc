package dev.interactiondemo.engine;

/**
 * One part's pods as observed: on a cluster, its Deployment's status and its pods; in the sandbox, the processes it
 * runs.
 *
 * @param created   whether the part exists at all (its Deployment was created)
 * @param ready     pods (or processes) that pass their readiness check
 * @param available pods available to serve (on a cluster: ready for the Deployment's minReadySeconds)
 * @param problem   why none is available, in the words of whoever knows (the Deployment's failing condition, the
 *                  process's own not-ready reason), or null
 * @param cause     why its pods do not run, when Kubernetes says ({@link PodCauses}), or null
 * @param rollout   what a change still rolling out waits for (a Deployment's pods not all updated and available
 *                  yet), or null when none rolls out
 */
public record Workload(boolean created, int ready, int available, String problem, Cause cause, String rollout) {
    /** A part not created yet. */
    public static final Workload ABSENT = new Workload(false, 0, 0, null);

    /** A part whose cause is not known and that does not roll out (the sandbox's processes). */
    public Workload(boolean created, int ready, int available, String problem) {
        this(created, ready, available, problem, null, null);
    }

    /** A part running {@code ready} ready pods, all available. */
    public static Workload running(int ready, String problem) {
        return new Workload(true, ready, ready, problem);
    }
}
