package dev.interactiondemo.notifier;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: each delay is random in [0, min(max, initial * 2^attempt)]. */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    /** The ceiling of the next delay, before jitter. */
    long ceilingMillis() {
        return Math.min(maxMillis, initialMillis << Math.min(attempt, 30));
    }

    Duration next() {
        long ceiling = ceilingMillis();
        attempt++;
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    void reset() {
        attempt = 0;
    }
}
