package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.kafka.TopicObservation;

import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a Strimzi KafkaTopic's own status says, in the words of the TopicReady condition. Pure.
 * <p>
 * A status counts only when it is about the KafkaTopic's current spec: Strimzi's Topic Operator sets
 * {@code status.observedGeneration} to the {@code metadata.generation} it acted on. A Ready status of an older
 * generation says nothing of the change since (say, more partitions), so it is treated like no status at all, and
 * ages the same way into {@code TopicOperatorNotResponding}.
 */
public final class StrimziTopics {
    private StrimziTopics() {
    }

    /**
     * @param topic        the KafkaTopic, or empty when not created yet
     * @param clusterName  the Strimzi cluster it is labelled for
     * @param timeout      how long it may wait for the Topic Operator before the message names the likely cause
     * @param waitingSince since when the KafkaTopic's current generation has been waiting for the Topic Operator
     *                     (its creation, or when the operator first saw this generation)
     */
    public static TopicObservation observe(Optional<KafkaTopic> topic, String clusterName, Duration timeout,
                                           Instant waitingSince, Instant now) {
        if (topic.isEmpty()) {
            return TopicObservation.notReady("Creating", "KafkaTopic being created");
        }
        KafkaTopic t = topic.get();
        String name = t.getMetadata().getName();
        Long generation = t.getMetadata().getGeneration();
        Long observed = t.getStatus() == null ? null : t.getStatus().getObservedGeneration();
        boolean current = t.getStatus() != null && (generation == null || (observed != null && observed >= generation));
        List<Condition> conditions = !current || t.getStatus().getConditions() == null ? List.of()
                : t.getStatus().getConditions();
        Optional<Condition> ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
        if (ready.isPresent() && "True".equals(ready.get().getStatus())) {
            return TopicObservation.ready("KafkaTopicReady", "KafkaTopic " + name + " is Ready", t.getSpec() == null
                    ? null : t.getSpec().getPartitions());
        }
        if (ready.isPresent() && ready.get().getMessage() != null) {
            // Strimzi saw it and says why it is not ready (e.g. invalid config, not enough brokers, ResourceConflict).
            return TopicObservation.notReady("KafkaTopicNotReady", "KafkaTopic " + name + " is not Ready: "
                    + Optional.ofNullable(ready.get().getReason()).map(r -> r + ": ").orElse("")
                    + ready.get().getMessage());
        }
        boolean overdue = waitingSince != null && waitingSince.plus(timeout).isBefore(now);
        String stale = t.getStatus() != null && !current ? " (its status is about generation " + observed
                + ", its spec is generation " + generation + ")" : "";
        if (!overdue) {
            return TopicObservation.notReady("WaitingForTopicOperator", "KafkaTopic " + name
                    + " is waiting for the Strimzi Topic Operator" + stale);
        }
        return TopicObservation.notReady("TopicOperatorNotResponding", "KafkaTopic " + name + " has not been Ready for "
                + timeout.toSeconds() + "s" + (t.getStatus() == null ? " and has no status at all" : stale)
                + ": is a Strimzi Topic Operator watching label strimzi.io/cluster=" + clusterName + " in namespace "
                + t.getMetadata().getNamespace() + "? (check that the Kafka cluster " + clusterName
                + " exists there and has entityOperator.topicOperator enabled)");
    }
}
