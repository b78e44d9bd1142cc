package dev.interactiondemo.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Greeter's error rate as the Host sees it, between two readings of its counts. */
class PodFiguresTest {
    @Test
    void theRateIsOfTheCallsSinceThePreviousReading() {
        assertEquals(0.3, PodFigures.errorRate(100, 50, 110, 53));
        assertEquals(1.0, PodFigures.errorRate(0, 0, 4, 4));
        assertEquals(0.333, PodFigures.errorRate(0, 0, 3, 1), "to 0.001");
    }

    @Test
    void noNewCallIsNoErrorAndARestartedHostIsNoNegativeRate() {
        assertEquals(0.0, PodFigures.errorRate(10, 2, 10, 2));
        assertEquals(0.0, PodFigures.errorRate(10, 5, 3, 0), "counts reset: no new calls counted");
        assertEquals(0.0, PodFigures.errorRate(10, 5, 20, 0), "failures reset: none new");
    }
}
