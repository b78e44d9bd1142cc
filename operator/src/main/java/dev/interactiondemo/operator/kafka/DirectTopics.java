package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.common.KafkaFailures;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topics managed through Kafka's Admin API: created (topic management {@code Direct}), checked ({@code External})
 * and deleted. Every outcome is a {@link TopicObservation}; nothing throws.
 * <p>
 * A Direct-mode demo owns only the topic it created, known by the topic id Kafka gave it: a topic that exists under
 * the demo's topic name with another id (or before the demo) is neither adopted, altered nor deleted.
 */
public final class DirectTopics {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /**
     * The owned id of a topic a demo created before the operator kept topic ids (its status said Direct and Ready):
     * the topic of that name is taken as the demo's own, and its id recorded from then on.
     */
    public static final String CREATED_BEFORE_IDS = "created-before-ids-were-kept";
    /** The reason of a Direct-mode topic found missing before the demo recorded its intent to create it. */
    public static final String ABSENT = "Creating";

    private DirectTopics() {
    }

    /**
     * Creates the topic if missing and grows its partitions to {@code partitions} (Kafka cannot shrink them), if it is
     * the one this demo created.
     *
     * @param ownedId   the id of the topic this demo created, or null when it has created none (yet)
     * @param mayCreate whether the intent to create it is recorded (in the demo's status): until then a missing
     *                  topic is only reported ({@link #ABSENT}), so that the intent is durable before the topic exists
     * @param principal who the Admin client is to Kafka's ACLs, for the messages of refusals
     */
    public static TopicObservation ensure(Admin admin, String topic, int partitions, int replicas,
                                          Map<String, String> config, String ownedId, boolean mayCreate,
                                          String principal) {
        return observing(topic, principal, () -> {
            Optional<TopicDescription> existing = describe(admin, topic);
            if (existing.isEmpty() && !mayCreate) {
                return TopicObservation.notReady(ABSENT, "topic " + topic + " does not exist yet: creating it");
            }
            if (existing.isEmpty()) {
                CreateTopicsResult created = admin.createTopics(List.of(new NewTopic(topic, partitions,
                        (short) replicas).configs(config)));
                try {
                    created.all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        return notOwned(topic); // someone else created it between the two calls
                    }
                    throw e;
                }
                String id = created.topicId(topic).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).toString();
                return TopicObservation.ready("Created", "topic " + topic + " created with " + partitions
                        + " partitions", partitions).withTopicId(id);
            }
            String id = existing.get().topicId().toString();
            if (!id.equals(ownedId) && !CREATED_BEFORE_IDS.equals(ownedId)) {
                return notOwned(topic);
            }
            int actual = existing.get().partitions().size();
            if (actual < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                        .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return TopicObservation.ready("PartitionsIncreased", "topic " + topic + " grown from " + actual
                        + " to " + partitions + " partitions", partitions).withTopicId(id);
            }
            String note = actual > partitions ? " (more than the " + partitions + " asked: Kafka cannot remove partitions)" : "";
            return TopicObservation.ready("Exists", "topic " + topic + " has " + actual + " partitions" + note, actual)
                    .withTopicId(id);
        });
    }

    private static TopicObservation notOwned(String topic) {
        return TopicObservation.notReady("TopicExists", "topic " + topic + " already exists and was not created by "
                + "this InteractionDemo: with topic.management Direct the operator neither adopts, alters nor deletes "
                + "a topic it did not create. To use this topic, set topic.management External; otherwise choose "
                + "another topic.name (or leave it unset for the default)");
    }

    /** Checks that a topic someone else manages exists. */
    public static TopicObservation check(Admin admin, String topic, String principal) {
        return observing(topic, principal, () -> describe(admin, topic)
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
    private static TopicObservation observing(String topic, String principal, AdminCall call) {
        try {
            return call.call();
        } catch (ExecutionException e) {
            // first: kafka-clients' authentication and authorization failures are InvalidConfigurationExceptions too
            var security = KafkaFailures.classify(e.getCause(), principal);
            if (security.isPresent()) {
                return TopicObservation.notReady(security.get().reason(), "cannot manage topic " + topic + ": "
                        + security.get().message());
            }
            if (e.getCause() instanceof InvalidReplicationFactorException) {
                return TopicObservation.notReady("InvalidReplicationFactor", "cannot create topic " + topic + ": "
                        + e.getCause().getMessage() + " (topic.replicas is more than the brokers)");
            }
            if (e.getCause() instanceof InvalidConfigurationException) {
                return TopicObservation.notReady("InvalidTopicConfig", "Kafka refused topic " + topic + "'s "
                        + "topic.config: " + e.getCause().getMessage());
            }
            return unreachable(topic, e.getCause());
        } catch (TimeoutException e) {
            return unreachable(topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(topic, e);
        }
    }

    /** What {@link #delete} did. */
    public enum Deletion { DELETED, ALREADY_GONE, NOT_OWNED }

    /**
     * Deletes the topic with id {@code ownedId}, by id: a topic of the same name that the demo did not create (say,
     * recreated by someone else since) stays. Throws when Kafka can't be reached.
     */
    public static Deletion delete(Admin admin, String topic, String ownedId) throws ExecutionException,
            InterruptedException, TimeoutException {
        if (ownedId == null) {
            return Deletion.NOT_OWNED;
        }
        Optional<TopicDescription> existing = describe(admin, topic);
        if (existing.isEmpty()) {
            return Deletion.ALREADY_GONE;
        }
        String id = existing.get().topicId().toString();
        if (!id.equals(ownedId) && !CREATED_BEFORE_IDS.equals(ownedId)) {
            return Deletion.NOT_OWNED;
        }
        try {
            admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.fromString(id)))).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Deletion.DELETED;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException || e.getCause() instanceof UnknownTopicIdException) {
                return Deletion.ALREADY_GONE;
            }
            throw e;
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
