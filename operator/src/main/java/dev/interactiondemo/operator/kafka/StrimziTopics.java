package dev.interactiondemo.operator.kafka;

import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a Strimzi KafkaTopic's own status says, in the words of the TopicReady condition. Pure. */
public final class StrimziTopics {
    private StrimziTopics() {
    }

    /**
     * @param topic       the KafkaTopic, or empty when not created yet
     * @param clusterName the Strimzi cluster it is labelled for
     * @param timeout     how long it may be not Ready before the message names the likely cause
     */
    public static TopicObservation observe(Optional<KafkaTopic> topic, String clusterName, Duration timeout,
                                           Instant now) {
        if (topic.isEmpty()) {
            return TopicObservation.notReady("Creating", "KafkaTopic being created");
        }
        KafkaTopic t = topic.get();
        String name = t.getMetadata().getName();
        List<Condition> conditions = t.getStatus() == null || t.getStatus().getConditions() == null ? List.of()
                : t.getStatus().getConditions();
        Optional<Condition> ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
        if (ready.isPresent() && "True".equals(ready.get().getStatus())) {
            return TopicObservation.ready("KafkaTopicReady", "KafkaTopic " + name + " is Ready", t.getSpec() == null
                    ? null : t.getSpec().getPartitions());
        }
        if (ready.isPresent() && ready.get().getMessage() != null) {
            // Strimzi saw it and says why it is not ready (e.g. invalid config, not enough brokers).
            return TopicObservation.notReady("KafkaTopicNotReady", "KafkaTopic " + name + " is not Ready: "
                    + Optional.ofNullable(ready.get().getReason()).map(r -> r + ": ").orElse("")
                    + ready.get().getMessage());
        }
        String created = t.getMetadata().getCreationTimestamp();
        boolean overdue = created != null && Instant.parse(created).plus(timeout).isBefore(now);
        if (!overdue) {
            return TopicObservation.notReady("WaitingForTopicOperator", "KafkaTopic " + name
                    + " is waiting for the Strimzi Topic Operator");
        }
        return TopicObservation.notReady("TopicOperatorNotResponding", "KafkaTopic " + name + " has not been Ready for "
                + timeout.toSeconds() + "s" + (t.getStatus() == null ? " and has no status at all" : "")
                + ": is a Strimzi Topic Operator watching label strimzi.io/cluster=" + clusterName + " in namespace "
                + t.getMetadata().getNamespace() + "? (check that the Kafka cluster " + clusterName
                + " exists there and has entityOperator.topicOperator enabled)");
    }
}
