package dev.interactiondemo.engine;

import java.util.List;

/**
 * Why a part's pods do not run, in one reason and a message that names the likely remedy: read from what Kubernetes
 * itself wrote (the Deployment's conditions, the pods' {@code PodScheduled} condition and container states).
 *
 * @param reason  one of {@link #REASONS}
 * @param message for humans: what Kubernetes said, and what to change
 */
public record Cause(String reason, String message) {
    /** A ResourceQuota of the namespace refuses the part's pods. */
    public static final String QUOTA_EXCEEDED = "QuotaExceeded";
    /** The scheduler finds no node for a pod. */
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** A node cannot pull the part's image. */
    public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
    /** A container exits and is restarted, again and again (OOMKilled among the causes). */
    public static final String CRASH_LOOPING = "CrashLooping";
    /** A container runs but its readiness probe keeps failing. */
    public static final String NOT_READY = "NotReady";

    /** Every reason, in the order they are looked for: the first found names the cause. */
    public static final List<String> REASONS = List.of(QUOTA_EXCEEDED, UNSCHEDULABLE, IMAGE_PULL_FAILED,
            CRASH_LOOPING, NOT_READY);
}
