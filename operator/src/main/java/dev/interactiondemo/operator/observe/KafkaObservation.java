package dev.interactiondemo.operator.observe;

import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.status.PartitionLag;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.kafka.TopicObservation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One demo's latest observation from its Kafka cluster.
 *
 * @param topic   the topic as found (Direct, External); null in Strimzi mode, where the KafkaTopic's status tells
 * @param reading the counts, or null when they could not be read
 * @param problem why the counts could not be read, or null
 * @param problemReason a condition reason for the problem when it is one a user fixes in the demo's settings
 *                      ({@code KafkaAuthenticationFailed}, ...), else null
 * @param at      when the observer made this observation
 * @param members the consumer group's members and their partitions, when read
 * @param partitions per partition: end, committed, lag, when read
 */
public record KafkaObservation(TopicObservation topic, KafkaReading reading, String problem, String problemReason,
                               Instant at, List<ConsumerMember> members, List<PartitionLag> partitions) {

    public KafkaObservation(TopicObservation topic, KafkaReading reading, String problem, Instant at) {
        this(topic, reading, problem, null, at, null, null);
    }

    /** This observation with its topic replaced. */
    KafkaObservation withTopic(TopicObservation other) {
        return other == topic ? this : new KafkaObservation(other, reading, problem, problemReason, at, members,
                partitions);
    }

    /** Whether {@code other} tells the reconciler something this one did not (the reading time alone does not). */
    boolean differsFrom(KafkaObservation other) {
        if (other == null) {
            return true;
        }
        boolean sameCounts = reading == null ? other.reading == null : other.reading != null
                && reading.produced() == other.reading.produced() && reading.consumed() == other.reading.consumed()
                && reading.lag() == other.reading.lag();
        return !sameCounts || !Objects.equals(topic, other.topic) || !Objects.equals(problem, other.problem)
                || !Objects.equals(problemReason, other.problemReason)
                || !Objects.equals(members, other.members);
    }
}
