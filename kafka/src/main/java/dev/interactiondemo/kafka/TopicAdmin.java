package dev.interactiondemo.kafka;


import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topics managed through Kafka's Admin API: created (topic management {@code Direct}), checked ({@code External})
 * and deleted. Calls are batched over many demos, as Strimzi's topic operator batches them, and every demo gets its
 * own typed outcome (a {@link TopicObservation}, ready or with the reason it is not); ensuring never throws.
 * <p>
 * A Direct-mode demo owns only the topic it created, known by the topic id Kafka gave it: a topic that exists under
 * the demo's topic name with another id (or before the demo) is neither adopted, altered nor deleted.
 */
public final class TopicAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * The owned id of a topic whose creation the demo recorded (its status says it is creating a topic of that name)
     * before the topic's id was recorded: the topic of that name is the demo's own, whatever its id, even if the
     * operator stopped between creating it and recording its id.
     */
    public static final String OWNED_BY_INTENT = "owned-by-recorded-intent";

    private TopicAdmin() {
    }

    /**
     * What a demo wants of its topic.
     *
     * @param create    Direct: create the topic if missing and grow its partitions to {@code partitions} (Kafka
     *                  cannot shrink them), if it is the one this demo created; otherwise (External) only check that
     *                  it exists
     * @param ownedId   the id of the topic this demo created, or null when it has created none (yet)
     * @param change    whether this call may create or grow the topic (the demo's topic dependent, once the intent
     *                  to create it is recorded in the demo's status); otherwise a missing topic is only reported
     *                  ({@link TopicObservation#CREATING}) and one with too few partitions reported as it is
     */
    public record Want(String topic, boolean create, int partitions, int replicas, Map<String, String> config,
                       String ownedId, boolean change) {
        /** An External topic: only checked. */
        public static Want existing(String topic) {
            return new Want(topic, false, 0, 0, Map.of(), null, false);
        }
    }

    /**
     * The topics of many demos in three batched calls at most (one describe, one create for the missing ones, one to
     * grow partitions): the observer of a Kafka cluster looks at all its demos' topics in one describe each round; a
     * demo's topic dependent creates or grows its own.
     *
     * @param wants     per key (a demo), what it wants of its topic
     * @param principal who the Admin client is to Kafka's ACLs, for the messages of refusals
     * @return per key, the topic as found or made
     */
    public static <K> Map<K, TopicObservation> ensureAll(Admin admin, Map<K, Want> wants, String principal) {
        Map<K, TopicObservation> result = new LinkedHashMap<>();
        if (wants.isEmpty()) {
            return result;
        }
        Set<String> names = new TreeSet<>();
        wants.values().forEach(w -> names.add(w.topic()));
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
        Map<String, Optional<TopicDescription>> found = new HashMap<>();
        Map<String, NewTopic> toCreate = new LinkedHashMap<>();
        Map<String, NewPartitions> toGrow = new LinkedHashMap<>();
        for (var e : wants.entrySet()) {
            Want w = e.getValue();
            // null when the topic could be described (found or not), else why not
            TopicObservation failed = observing(w.topic(), principal, () -> {
                if (!found.containsKey(w.topic())) {
                    found.put(w.topic(), described(described.get(w.topic())));
                }
                return null;
            });
            if (failed != null) {
                result.put(e.getKey(), failed);
                continue;
            }
            Optional<TopicDescription> existing = found.get(w.topic());
            if (!w.create()) {
                result.put(e.getKey(), existing.map(d -> TopicObservation.ready("Exists", "topic " + w.topic()
                        + " exists with " + d.partitions().size() + " partitions", d.partitions().size()))
                        .orElseGet(() -> TopicObservation.notReady("TopicMissing", "topic " + w.topic() + " does not "
                                + "exist; with topic.management External it must be created outside the operator")));
            } else if (existing.isEmpty()) {
                if (!w.change()) {
                    result.put(e.getKey(), TopicObservation.notReady(TopicObservation.CREATING, "topic " + w.topic()
                            + " does not exist yet: creating it"));
                } else if (toCreate.containsKey(w.topic())) {
                    result.put(e.getKey(), notOwned(w.topic())); // another demo asked for the same name first
                } else {
                    toCreate.put(w.topic(), new NewTopic(w.topic(), w.partitions(), (short) w.replicas())
                            .configs(w.config()));
                }
            } else {
                String id = existing.get().topicId().toString();
                int actual = existing.get().partitions().size();
                if (!id.equals(w.ownedId()) && !OWNED_BY_INTENT.equals(w.ownedId())) {
                    result.put(e.getKey(), notOwned(w.topic()));
                } else if (actual < w.partitions() && w.change()) {
                    toGrow.put(w.topic(), NewPartitions.increaseTo(w.partitions()));
                } else if (actual < w.partitions()) {
                    result.put(e.getKey(), TopicObservation.ready("Exists", "topic " + w.topic() + " has " + actual
                            + " partitions; growing to " + w.partitions(), actual).withTopicId(id));
                } else {
                    String note = actual > w.partitions() ? " (more than the " + w.partitions() + " asked: Kafka "
                            + "cannot remove partitions)" : "";
                    result.put(e.getKey(), TopicObservation.ready("Exists", "topic " + w.topic() + " has " + actual
                            + " partitions" + note, actual).withTopicId(id));
                }
            }
        }
        CreateTopicsResult created = toCreate.isEmpty() ? null : admin.createTopics(toCreate.values());
        Map<String, KafkaFuture<Void>> grown = toGrow.isEmpty() ? Map.of() : admin.createPartitions(toGrow).values();
        for (var e : wants.entrySet()) {
            Want w = e.getValue();
            if (result.containsKey(e.getKey())) {
                continue;
            }
            if (toCreate.containsKey(w.topic())) {
                result.put(e.getKey(), observing(w.topic(), principal, () -> {
                    try {
                        created.values().get(w.topic()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException x) {
                        if (x.getCause() instanceof TopicExistsException) {
                            return notOwned(w.topic()); // someone else created it between the two calls
                        }
                        throw x;
                    }
                    String id = created.topicId(w.topic()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).toString();
                    return TopicObservation.ready("Created", "topic " + w.topic() + " created with " + w.partitions()
                            + " partitions", w.partitions()).withTopicId(id);
                }));
            } else {
                Optional<TopicDescription> existing = found.get(w.topic());
                int actual = existing.orElseThrow().partitions().size();
                String id = existing.get().topicId().toString();
                result.put(e.getKey(), observing(w.topic(), principal, () -> {
                    grown.get(w.topic()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    return TopicObservation.ready("PartitionsIncreased", "topic " + w.topic() + " grown from "
                            + actual + " to " + w.partitions() + " partitions", w.partitions()).withTopicId(id);
                }));
            }
        }
        return result;
    }

    private static TopicObservation notOwned(String topic) {
        return TopicObservation.notReady("TopicExists", "topic " + topic + " already exists and was not created by "
                + "this InteractionDemo: with topic.management Direct the operator neither adopts, alters nor deletes "
                + "a topic it did not create. To use this topic, set topic.management External; otherwise choose "
                + "another topic.name (or leave it unset for the default)");
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

    /** A topic {@link #createOrFind} made or found: its id, and whether this call created it. */
    public record Made(String topicId, boolean created) {
    }

    /**
     * Creates {@code topic}, or finds it when it exists already, as a topic operator does (unlike {@link #ensureAll},
     * which never adopts a topic it did not create): for the benchmarks, which stand in for Strimzi's topic operator.
     * Throws when Kafka refuses or does not answer within {@code timeout}.
     */
    public static Made createOrFind(Admin admin, String topic, int partitions, short replicas, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            Uuid id = admin.createTopics(List.of(new NewTopic(topic, partitions, replicas))).topicId(topic)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Made(id.toString(), true);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            return new Made(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).topicId().toString(), false);
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
        if (!id.equals(ownedId) && !OWNED_BY_INTENT.equals(ownedId)) {
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

    /** A described topic, or empty when it does not exist. */
    private static Optional<TopicDescription> described(KafkaFuture<TopicDescription> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return Optional.of(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
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
