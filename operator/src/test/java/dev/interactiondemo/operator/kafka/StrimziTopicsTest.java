package dev.interactiondemo.operator.kafka;

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
        return StrimziTopics.observe(Optional.of(t), "my-cluster", Duration.ofMinutes(2), now);
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
        assertEquals("Creating", StrimziTopics.observe(Optional.empty(), "c", Duration.ofMinutes(2), CREATED).reason());
    }
}
