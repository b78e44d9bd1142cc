package dev.interactiondemo.operator;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls until something holds. */
final class Await {
    private Await() {
    }

    static <T> T until(String what, Supplier<Optional<T>> probe, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value;
            try {
                value = probe.get();
            } catch (RuntimeException e) {
                value = Optional.empty();
            }
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static void until(String what, Supplier<Boolean> condition) {
        until(what, () -> Boolean.TRUE.equals(condition.get()) ? Optional.of(true) : Optional.empty(),
                Duration.ofSeconds(60));
    }
}
