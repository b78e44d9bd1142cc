package dev.interactiondemo.operator;

import dev.interactiondemo.common.testing.Await;

import java.time.Duration;

/** The operator tests' waits on reconciles, built on {@link Await}. */
final class Reconciles {
    private Reconciles() {
    }

    /** How many reconciles {@code operator} has finished successfully (java-operator-sdk's counter). */
    static double count(RunningOperator operator) {
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
        double needed = count(operator) + fullReconciles + 1;
        unchanged.run();
        Await.until(fullReconciles + " reconciles to prove " + what + " (is the operator reconciling?)", () -> {
            // Read the counter before checking: every reconcile counted has had its chance to change the thing.
            boolean enough = count(operator) >= needed;
            unchanged.run();
            return enough;
        }, timeout);
    }
}
