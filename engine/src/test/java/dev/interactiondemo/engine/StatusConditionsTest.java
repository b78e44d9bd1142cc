package dev.interactiondemo.engine;
import dev.interactiondemo.kafka.KafkaReading;

import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusConditionsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PartState OK = PartState.available("Available", "fine");

    private static MessageStats stats(long produced, long consumed, long lag, double prodRate, double consRate) {
        return new MessageStats(produced, consumed, lag, prodRate, consRate, T0);
    }

    @Test
    void readyWhenEveryPartIsAvailableWhateverTheFlow() {
        Condition flowing = StatusConditions.messagesFlowing(stats(10, 0, 10, 5, 0), true, null);
        List<Condition> c = StatusConditions.compute(OK, OK, OK, OK, flowing);
        assertEquals(List.of("Ready", "GreeterAvailable", "TopicReady", "HostAvailable", "WorkerAvailable",
                "MessagesFlowing"), c.stream().map(Condition::getType).toList());
        assertTrue(Conditions.isTrue(c.get(0)));
        assertEquals("AllPartsAvailable", c.get(0).getReason());
        assertFalse(Conditions.isTrue(c.get(5)));
    }

    @Test
    void notReadyNamesTheFirstMissingPartAndListsAll() {
        List<Condition> c = StatusConditions.compute(
                PartState.unavailable("NotServing", "health check says NOT_SERVING"), OK, OK,
                PartState.unavailable("NoReadyReplicas", "0/1 ready"),
                StatusConditions.messagesFlowing(null, false, "timeout"));
        Condition ready = c.get(0);
        assertEquals("False", ready.getStatus());
        assertEquals("GreeterUnavailable", ready.getReason());
        assertEquals("GreeterAvailable: health check says NOT_SERVING; WorkerAvailable: 0/1 ready", ready.getMessage());
        assertEquals("NotServing", c.get(1).getReason());
    }

    @Test
    void messagesFlowingTellsTheLesson() {
        assertEquals("Flowing", StatusConditions.messagesFlowing(stats(100, 95, 5, 5, 5), true, null).getReason());
        Condition stalled = StatusConditions.messagesFlowing(stats(100, 60, 40, 5, 0), true, null);
        assertEquals("False", stalled.getStatus());
        assertEquals("WorkerStalled", stalled.getReason());
        assertTrue(stalled.getMessage().startsWith("40 messages waiting in Kafka"), stalled.getMessage());
        Condition blocked = StatusConditions.messagesFlowing(stats(100, 100, 0, 0, 0), true, null);
        assertEquals("NothingProduced", blocked.getReason());
        assertTrue(blocked.getMessage().contains("Greeter"), blocked.getMessage());
        assertEquals("Measuring", StatusConditions.messagesFlowing(stats(1, 1, 0, 0, 0), false, null).getReason());
        // An empty topic: the first reading says so already, and the second says the same (no second status write).
        Condition empty = StatusConditions.messagesFlowing(stats(0, 0, 0, 0, 0), false, null);
        assertEquals("False", empty.getStatus());
        assertEquals("NothingProduced", empty.getReason());
        assertTrue(empty.getMessage().startsWith("no message produced yet"), empty.getMessage());
        assertEquals(empty, StatusConditions.messagesFlowing(stats(0, 0, 0, 0, 0), true, null));
        Condition unknown = StatusConditions.messagesFlowing(null, false, "Kafka did not answer within 3000 ms");
        assertEquals("Unknown", unknown.getStatus());
        assertEquals("KafkaUnreachable", unknown.getReason());
    }

    @Test
    void transitionTimesChangeOnlyWithTheStatus() {
        Instant t1 = T0.plusSeconds(10);
        Instant t2 = T0.plusSeconds(20);
        List<Condition> first = StatusConditions.withTransitionTimes(null,
                List.of(Conditions.of("A", true, "R", "m"), Conditions.of("B", false, "R", "m")), T0);
        assertEquals(T0.toString(), first.get(0).getLastTransitionTime());
        List<Condition> second = StatusConditions.withTransitionTimes(first,
                List.of(Conditions.of("A", true, "Other", "new message"), Conditions.of("B", true, "R", "m"),
                        Conditions.of("C", true, "R", "m")), t1);
        assertEquals(T0.toString(), second.get(0).getLastTransitionTime(), "same status: time kept even if the reason changed");
        assertEquals(t1.toString(), second.get(1).getLastTransitionTime(), "status changed");
        assertEquals(t1.toString(), second.get(2).getLastTransitionTime(), "new condition");
        assertEquals(t1.toString(), StatusConditions.withTransitionTimes(second, List.of(Conditions.of("B", true, "R", "m")), t2)
                .get(0).getLastTransitionTime());
    }

    @Test
    void ratesComeFromSuccessiveReadings() {
        KafkaReading a = new KafkaReading(T0, 100, 90, 10);
        KafkaReading b = new KafkaReading(T0.plusSeconds(2), 110, 96, 14);
        MessageStats s = MessageStats.of(a, b);
        assertEquals(5.0, s.producedPerSecond());
        assertEquals(3.0, s.consumedPerSecond());
        assertEquals(14, s.lag());
        assertEquals(0.0, MessageStats.of(null, b).producedPerSecond());
        // a recreated topic: counts went down, rates are not negative
        assertEquals(0.0, MessageStats.of(b, new KafkaReading(T0.plusSeconds(4), 3, 0, 3)).producedPerSecond());
    }

    @Test
    void theSameReadingAgainKeepsItsRates() {
        MessageStats s = MessageStats.of(new KafkaReading(T0, 100, 90, 10),
                new KafkaReading(T0.plusSeconds(2).plusNanos(999_999), 110, 96, 14));
        MessageStats stored = new MessageStats(110, 96, 14, 5.0, 3.0, T0.plusSeconds(2)); // as the status keeps it
        MessageStats again = MessageStats.next(stored, new KafkaReading(T0.plusSeconds(2).plusNanos(999_999), 110, 96,
                14));
        assertEquals(s.producedPerSecond(), again.producedPerSecond());
        assertEquals(3.0, again.consumedPerSecond());
        MessageStats newer = MessageStats.next(stored, new KafkaReading(T0.plusSeconds(4), 110, 100, 10));
        assertEquals(0.0, newer.producedPerSecond());
        assertEquals(2.0, newer.consumedPerSecond());
        assertEquals(0.0, MessageStats.next(null, new KafkaReading(T0, 1, 1, 0)).producedPerSecond());
    }
}
