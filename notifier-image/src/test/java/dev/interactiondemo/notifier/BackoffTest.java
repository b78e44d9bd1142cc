package dev.interactiondemo.notifier;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    @Test
    void doublesUpToTheCapWithJitterAndResets() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (long ceiling : ceilings) {
            assertEquals(ceiling, b.ceilingMillis());
            long d = b.next().toMillis();
            assertTrue(d >= ceiling / 2 && d <= ceiling, d + " within [" + ceiling / 2 + ", " + ceiling + "]");
        }
        b.reset();
        assertEquals(100, b.ceilingMillis());
    }
}
