package dev.interactiondemo.common.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The one way the tests of every module wait, on Awaitility. A probe is polled at once and then every
 * {@link #POLL} (or a given interval); a RuntimeException it throws counts as "not yet" (an API server or a broker
 * not answering yet, a resource not there yet), while an AssertionError fails the wait at once, so a probe can also
 * check that something stays as it is while it waits. A wait that times out fails naming what it waited for and,
 * when the probe threw along the way, the last exception it threw, as the message and as the cause. Exceptions left
 * uncaught in other threads do not fail a wait: a test that cares asserts on them itself.
 */
public final class Await {
    /** How often a probe is polled unless told otherwise. */
    public static final Duration POLL = Duration.ofMillis(100);
    /** How long {@link #until(String, Supplier)} waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Await() {
    }

    /** Polls {@code probe} every {@link #POLL} until it gives a value, which is returned. */
    public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
        return value(what, timeout, POLL, probe);
    }

    /** Polls {@code probe} every {@code every} until it gives a value, which is returned. */
    public static <T> T value(String what, Duration timeout, Duration every, Supplier<Optional<T>> probe) {
        AtomicReference<RuntimeException> last = new AtomicReference<>();
        try {
            return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(every)
                    .dontCatchUncaughtExceptions().until(() -> {
                        try {
                            return probe.get();
                        } catch (RuntimeException e) {
                            last.set(e);
                            return Optional.<T>empty();
                        }
                    }, Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw timedOut(what, timeout, last.get(), e);
        }
    }

    /** Polls {@code condition} every {@link #POLL} until it is true, for up to {@link #DEFAULT_TIMEOUT}. */
    public static void until(String what, Supplier<Boolean> condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    /** Polls {@code condition} every {@link #POLL} until it is true. */
    public static void until(String what, Duration timeout, Supplier<Boolean> condition) {
        until(what, timeout, POLL, condition);
    }

    /** Polls {@code condition} every {@code every} until it is true. */
    public static void until(String what, Duration timeout, Duration every, Supplier<Boolean> condition) {
        value(what, timeout, every, () -> Boolean.TRUE.equals(condition.get()) ? Optional.of(true) : Optional.empty());
    }

    private static AssertionError timedOut(String what, Duration timeout, RuntimeException last,
                                           ConditionTimeoutException e) {
        String waited = "timed out after " + timeout.toMillis() / 1000.0 + " s waiting for " + what;
        if (last == null) {
            return new AssertionError(waited, e);
        }
        AssertionError error = new AssertionError(waited + "; the probe last threw " + last, last);
        error.addSuppressed(e);
        return error;
    }
}
