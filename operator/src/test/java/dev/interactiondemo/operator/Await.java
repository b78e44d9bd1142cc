package dev.interactiondemo.operator;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * The operator tests' waits, on Awaitility. A wait that times out fails naming what it waited for and, when the probe
 * threw along the way (an API server not answering yet, a resource not there yet), the last exception it threw, as
 * the message and as the cause.
 */
final class Await {
    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    /** Polls {@code probe} until it gives a value; exceptions it throws count as "not yet". */
    static <T> T until(String what, Supplier<Optional<T>> probe, Duration timeout) {
        AtomicReference<RuntimeException> last = new AtomicReference<>();
        try {
            return await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).until(() -> {
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

    /** Polls {@code condition} until it is true, for up to 60 s; exceptions it throws count as "not yet". */
    static void until(String what, Supplier<Boolean> condition) {
        until(what, () -> Boolean.TRUE.equals(condition.get()) ? Optional.of(true) : Optional.empty(),
                Duration.ofSeconds(60));
    }

    /** How many reconciles {@code operator} has finished successfully (java-operator-sdk's counter). */
    static double reconciles(RunningOperator operator) {
        return operator.registry.find("operator.sdk.reconciliations.success").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /**
     * Proves that something stays as it is while the operator works: {@code unchanged} (which throws an
     * AssertionError when the thing changed) is checked at every poll, over a window that lasts until at least
     * {@code fullReconciles} reconciles have run from start to end inside it. A reconcile already running when the
     * window opens does not count: the window waits for one more increment of the counter than asked for. Fails at
     * once when {@code unchanged} fails, and when the reconciles do not happen within {@code timeout} (a window with
     * no reconcile in it would prove nothing).
     */
    static void unchangedOver(String what, RunningOperator operator, int fullReconciles, Duration timeout,
                              Runnable unchanged) {
        double from = reconciles(operator);
        double needed = from + fullReconciles + 1;
        unchanged.run();
        try {
            await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).until(() -> {
                // Read the counter before checking: every reconcile counted has had its chance to change the thing.
                boolean enough = reconciles(operator) >= needed;
                unchanged.run();
                return enough;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + fullReconciles
                    + " reconciles to prove " + what + ": only " + (reconciles(operator) - from)
                    + " finished (is the operator reconciling?)", e);
        }
    }

    private static AssertionError timedOut(String what, Duration timeout, RuntimeException last,
                                           ConditionTimeoutException e) {
        if (last == null) {
            return new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, e);
        }
        AssertionError error = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for "
                + what + "; the probe last threw " + last, last);
        error.addSuppressed(e);
        return error;
    }
}
