package dev.interactiondemo.notifier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The Worker's fault switch, for the at-least-once lesson; thread-safe, consulted after every batch,
 * switchable while the Worker runs (the sandbox flips it) or set at start-up
 * ({@code NOTIFIER_FAULT_FAIL_BEFORE_COMMIT}).
 *
 * <p>{@code failBeforeCommit} (0 to 1): the share of batches after which the Worker fails before committing them,
 * at random (0.01: one batch in 100; 1: every batch). The Worker has processed the batch, and the audit has counted
 * it; as nothing was committed, Kafka delivers it again: duplicates, never a loss. What the Worker does then is
 * {@link NotificationWorker.OnInjectedFailure}'s choice.
 */
public final class WorkerFaults {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerFaults.class);

    private volatile double failBeforeCommit;

    /** All switches off. */
    public WorkerFaults() {
        this(0);
    }

    /** @param failBeforeCommit the share of batches to fail before their commit, 0 (none) to 1 (all) */
    public WorkerFaults(double failBeforeCommit) {
        this.failBeforeCommit = checkRate(failBeforeCommit);
    }

    /** @param rate the share of batches to fail before their commit, 0 (none) to 1 (all) */
    public void setFailBeforeCommit(double rate) {
        this.failBeforeCommit = checkRate(rate);
        LOG.info("Worker faults: fail before commit {}", rate);
    }

    public double failBeforeCommit() {
        return failBeforeCommit;
    }

    /** Draws whether the batch just processed fails before its commit. */
    boolean failsBeforeCommit() {
        double rate = failBeforeCommit;
        return rate >= 1 || rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    private static double checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("fail-before-commit rate must be between 0 and 1, not " + rate);
        }
        return rate;
    }
}
