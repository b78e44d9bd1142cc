package dev.interactiondemo.operator.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topics managed through Kafka's Admin API: created (topic management {@code Direct}), checked
 * ({@code External}) and deleted. Every outcome is a {@link TopicObservation}; nothing throws.
 */
public final class DirectTopics {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private DirectTopics() {
    }

    /** Creates the topic if missing and grows its partitions to {@code partitions} (Kafka cannot shrink them). */
    public static TopicObservation ensure(Admin admin, String topic, int partitions, int replicas,
                                          Map<String, String> config) {
        return observing(topic, () -> {
            Optional<TopicDescription> existing = describe(admin, topic);
            if (existing.isEmpty()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicas).configs(config)))
                            .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                return TopicObservation.ready("Created", "topic " + topic + " created with " + partitions
                        + " partitions", partitions);
            }
            int actual = existing.get().partitions().size();
            if (actual < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                        .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return TopicObservation.ready("PartitionsIncreased", "topic " + topic + " grown from " + actual
                        + " to " + partitions + " partitions", partitions);
            }
            String note = actual > partitions ? " (more than the " + partitions + " asked: Kafka cannot remove partitions)" : "";
            return TopicObservation.ready("Exists", "topic " + topic + " has " + actual + " partitions" + note, actual);
        });
    }

    /** Checks that a topic someone else manages exists. */
    public static TopicObservation check(Admin admin, String topic) {
        return observing(topic, () -> describe(admin, topic)
                .map(d -> TopicObservation.ready("Exists", "topic " + topic + " exists with "
                        + d.partitions().size() + " partitions", d.partitions().size()))
                .orElseGet(() -> TopicObservation.notReady("TopicMissing", "topic " + topic
                        + " does not exist; with topic.management External it must be created outside the operator")));
    }

    /** A call to Kafka's Admin API. */
    private interface AdminCall {
        TopicObservation call() throws ExecutionException, InterruptedException, TimeoutException;
    }

    /** Runs {@code call}, turning Kafka's failures into observations. */
    private static TopicObservation observing(String topic, AdminCall call) {
        try {
            return call.call();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidReplicationFactorException) {
                return TopicObservation.notReady("InvalidReplicationFactor", "cannot create topic " + topic + ": "
                        + e.getCause().getMessage() + " (topic.replicas is more than the brokers)");
            }
            return unreachable(topic, e.getCause());
        } catch (TimeoutException e) {
            return unreachable(topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(topic, e);
        }
    }

    /** Deletes a topic; a topic already gone counts as deleted. Throws when Kafka can't be reached. */
    public static void delete(Admin admin, String topic) throws ExecutionException, InterruptedException,
            TimeoutException {
        try {
            admin.deleteTopics(List.of(topic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static TopicObservation unreachable(String topic, Throwable cause) {
        return TopicObservation.notReady("KafkaUnreachable", "cannot reach Kafka to manage topic " + topic + ": "
                + (cause instanceof TimeoutException ? "no answer within " + TIMEOUT.toSeconds() + " s" : cause.getMessage()));
    }
}
