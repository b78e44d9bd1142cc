package dev.interactiondemo.common.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwaitTest {

    @Test
    void anExceptionIsNotYetAndATimeoutNamesWhatAndTheLastException() {
        AtomicInteger polls = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("the moon", () -> {
            polls.incrementAndGet();
            throw new IOException("not up yet");
        }, Duration.ofMillis(300), Duration.ofMillis(20)));
        assertTrue(e.getMessage().contains("waiting for the moon"), e.getMessage());
        assertTrue(e.getMessage().contains("not up yet"), e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(polls.get() > 1, "polled again after an exception: " + polls.get());
    }

    @Test
    void anAssertionErrorEndsTheWaitAtOnce() {
        AtomicInteger polls = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("something unchanged", () -> {
            polls.incrementAndGet();
            throw new AssertionError("it changed");
        }, Duration.ofSeconds(30)));
        assertEquals("it changed", e.getMessage());
        assertEquals(1, polls.get());
    }

    @Test
    void aValueIsReturnedOnceTheProbeGivesIt() {
        AtomicInteger polls = new AtomicInteger();
        assertEquals("third", Await.value("the third poll",
                () -> polls.incrementAndGet() == 3 ? Optional.of("third") : Optional.empty(), Duration.ofSeconds(10),
                Duration.ZERO));
        assertEquals(3, polls.get());
    }
}
