package dev.interactiondemo.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @Test
    void parsesKubernetesStyleAndIso() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    }

    @Test
    void rejectsGarbageWithExamples() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("10 parsecs"));
        assertEquals("'10 parsecs' is not a duration (examples: 500ms, 30s, 2m, 1h)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5s"));
    }

    @Test
    void formatsCompactly() {
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
    }
}
