package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.kafka.TopicObservation;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrimziTopicsTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private static KafkaTopicBuilder topic() {
        return new KafkaTopicBuilder().withNewMetadata().withName("t").withNamespace("ns")
                .withCreationTimestamp(CREATED.toString()).endMetadata().withNewSpec().withPartitions(3).endSpec();
    }

    private static TopicObservation observe(KafkaTopic t, Instant now) {
        return StrimziTopics.observe(Optional.of(t), "my-cluster", Duration.ofMinutes(2), CREATED, now);
    }

    @Test
    void readyFollowsStrimzisReadyCondition() {
        TopicObservation o = observe(topic().withNewStatus().addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus().build(), CREATED.plusSeconds(5));
        assertTrue(o.ready());
        assertEquals(3, o.partitions());
    }

    @Test
    void withoutAnyStatusItWaitsThenNamesTheLikelyCause() {
        KafkaTopic t = topic().build();
        assertEquals("WaitingForTopicOperator", observe(t, CREATED.plusSeconds(60)).reason());
        TopicObservation late = observe(t, CREATED.plusSeconds(180));
        assertFalse(late.ready());
        assertEquals("TopicOperatorNotResponding", late.reason());
        assertTrue(late.message().contains("has no status at all: is a Strimzi Topic Operator watching label "
                + "strimzi.io/cluster=my-cluster in namespace ns?"), late.message());
    }

    @Test
    void strimzisOwnReasonIsPassedOn() {
        TopicObservation o = observe(topic().withNewStatus().addNewCondition().withType("Ready").withStatus("False")
                .withReason("InvalidResource").withMessage("bad config").endCondition().endStatus().build(), CREATED);
        assertEquals("KafkaTopicNotReady", o.reason());
        assertTrue(o.message().endsWith("InvalidResource: bad config"), o.message());
    }

    @Test
    void notCreatedYet() {
        assertEquals("Creating", StrimziTopics.observe(Optional.empty(), "c", Duration.ofMinutes(2), CREATED, CREATED)
                .reason());
    }

    @Test
    void aReadyStatusOfAnOlderGenerationIsNoStatus() {
        KafkaTopic stale = topic().editMetadata().withGeneration(2L).endMetadata().editSpec().withPartitions(6)
                .endSpec().withNewStatus().withObservedGeneration(1L).addNewCondition().withType("Ready")
                .withStatus("True").endCondition().endStatus().build();
        Instant changed = CREATED.plusSeconds(600);
        TopicObservation waiting = StrimziTopics.observe(Optional.of(stale), "my-cluster", Duration.ofMinutes(2),
                changed, changed.plusSeconds(30));
        assertFalse(waiting.ready(), "Ready of generation 1 says nothing of generation 2's 6 partitions");
        assertEquals("WaitingForTopicOperator", waiting.reason());
        assertTrue(waiting.message().contains("generation 1") && waiting.message().contains("generation 2"),
                waiting.message());
        TopicObservation late = StrimziTopics.observe(Optional.of(stale), "my-cluster", Duration.ofMinutes(2),
                changed, changed.plusSeconds(180));
        assertEquals("TopicOperatorNotResponding", late.reason(), "a stale status ages like a missing one");
        assertEquals(null, late.partitions());

        KafkaTopic current = topic().editMetadata().withGeneration(2L).endMetadata().withNewStatus()
                .withObservedGeneration(2L).addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
        assertTrue(observe(current, CREATED).ready());
    }

    @Test
    void aConflictReportedByStrimziMakesTheTopicNotReady() {
        TopicObservation o = observe(topic().editMetadata().withGeneration(1L).endMetadata().withNewStatus()
                .withObservedGeneration(1L).addNewCondition().withType("Ready").withStatus("False")
                .withReason("ResourceConflict").withMessage("Managed by Ref{namespace='ns', name='other'}")
                .endCondition().endStatus().build(), CREATED);
        assertFalse(o.ready());
        assertTrue(o.message().contains("ResourceConflict: Managed by"), o.message());
    }

    @Test
    void waitsOfLaterGenerationsStartWhenFirstSeen() {
        StrimziWaits waits = new StrimziWaits();
        KafkaTopic first = topic().editMetadata().withGeneration(1L).endMetadata().build();
        assertEquals(CREATED, waits.since("ns/d", first.getMetadata(), CREATED.plusSeconds(900)));
        KafkaTopic second = topic().editMetadata().withGeneration(2L).endMetadata().build();
        Instant seen = CREATED.plusSeconds(1000);
        assertEquals(seen, waits.since("ns/d", second.getMetadata(), seen));
        assertEquals(seen, waits.since("ns/d", second.getMetadata(), seen.plusSeconds(50)), "the same generation keeps its start");
        waits.forget("ns/d");
        assertEquals(seen.plusSeconds(60), waits.since("ns/d", second.getMetadata(), seen.plusSeconds(60)));
    }
}
