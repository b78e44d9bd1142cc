package dev.interactiondemo.common.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way the tests of every module wait, on Awaitility. A probe is polled at once and then every
 * {@link #POLL} (or a given interval, zero for a probe that blocks itself, such as a Kafka consumer's poll), in the
 * waiting thread (so a probe may use what that thread owns, such as a consumer). An exception the probe throws counts
 * as "not yet" (an API server or a broker not answering yet, a resource not there yet), while an AssertionError fails
 * the wait at once, so a probe can also check that something stays as it is while it waits. A wait that times out
 * fails naming what it waited for and, when the probe threw along the way, the last exception it threw, as the
 * message and as the cause. Exceptions left uncaught in other threads do not fail a wait: a test that cares asserts
 * on them itself.
 */
public final class Await {
    /** How often a probe is polled unless told otherwise. */
    public static final Duration POLL = Duration.ofMillis(100);
    /** How long {@link #until(String, Callable)} waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Await() {
    }

    /** Polls {@code probe} every {@link #POLL} until it gives a value, which is returned. */
    public static <T> T value(String what, Callable<Optional<T>> probe, Duration timeout) {
        return value(what, probe, timeout, POLL);
    }

    /** Polls {@code probe} every {@code every} until it gives a value, which is returned. */
    public static <T> T value(String what, Callable<Optional<T>> probe, Duration timeout, Duration every) {
        AtomicReference<Exception> last = new AtomicReference<>();
        try {
            return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(every)
                    .pollInSameThread().dontCatchUncaughtExceptions().until(() -> {
                        try {
                            return probe.call();
                        } catch (Exception e) {
                            last.set(e);
                            return Optional.<T>empty();
                        }
                    }, Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw timedOut(what, timeout, last.get(), e);
        }
    }

    /** Polls {@code condition} every {@link #POLL} until it is true, for up to {@link #DEFAULT_TIMEOUT}. */
    public static void until(String what, Callable<Boolean> condition) {
        until(what, condition, DEFAULT_TIMEOUT);
    }

    /** Polls {@code condition} every {@link #POLL} until it is true. */
    public static void until(String what, Callable<Boolean> condition, Duration timeout) {
        until(what, condition, timeout, POLL);
    }

    /** Polls {@code condition} every {@code every} until it is true. */
    public static void until(String what, Callable<Boolean> condition, Duration timeout, Duration every) {
        value(what, () -> Boolean.TRUE.equals(condition.call()) ? Optional.of(true) : Optional.empty(), timeout, every);
    }

    private static AssertionError timedOut(String what, Duration timeout, Exception last,
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
