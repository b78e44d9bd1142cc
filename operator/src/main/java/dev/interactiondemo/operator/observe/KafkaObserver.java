package dev.interactiondemo.operator.observe;

import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.status.PartitionLag;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.api.status.KafkaReading;
import dev.interactiondemo.common.KafkaAddressCheck;
import dev.interactiondemo.common.KafkaFailures;
import dev.interactiondemo.common.Threads;
import dev.interactiondemo.operator.kafka.DirectTopics;
import dev.interactiondemo.engine.TopicObservation;
import dev.interactiondemo.probes.MessageCounter;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Observes one Kafka cluster (one bootstrap address) for every demo that uses it, on a thread of its own: so a
 * reconcile never waits on Kafka, and a cluster that does not answer slows down only its own demos.
 * <p>
 * Every round (each status interval) it first keeps Direct-mode topics in place and checks External ones, for the
 * demos whose topic is not known to be ready; then it reads the counts of all its demos in one batch of Admin calls:
 * one describe of their topics, one listing of end offsets, one of start offsets, one of the committed offsets of
 * all their groups. A demo whose observation changed is reported to {@code onChange} (a java-operator-sdk event
 * source): its reconcile then writes the status. A cluster that fails a round is tried again after a back-off that
 * doubles up to {@link #MAX_BACKOFF}. The address is checked to be Kafka before any Kafka client is made for it
 * ({@link KafkaAddressCheck}).
 */
final class KafkaObserver implements AutoCloseable {
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    static final Duration CHECK_DEADLINE = Duration.ofSeconds(3);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaObserver.class);

    private final String bootstrap;
    private final KafkaConnection connection;
    private final Duration interval;
    private final Clock clock;
    private final Consumer<ResourceID> onChange;
    private final ScheduledExecutorService thread;
    private final Map<ResourceID, KafkaTarget> targets = new ConcurrentHashMap<>();
    private final Map<ResourceID, KafkaObservation> latest = new ConcurrentHashMap<>();
    /** Only touched on the observer's thread, but read by deletions: volatile. */
    private volatile Admin admin;
    private Duration backoff = Duration.ZERO;
    /** The next periodic round; only touched on the observer's thread. */
    private ScheduledFuture<?> nextRound;
    /** Whether a round is queued to run at once: a burst of new or changed demos makes one round, not one each. */
    private final AtomicBoolean roundQueued = new AtomicBoolean();
    private final AtomicLong rounds = new AtomicLong();
    private volatile String lastProblem;
    private volatile boolean closed;

    KafkaObserver(KafkaConnection connection, Duration interval, Clock clock, Consumer<ResourceID> onChange) {
        this.connection = connection;
        this.bootstrap = connection.bootstrap();
        this.interval = interval;
        this.clock = clock;
        this.onChange = onChange;
        this.thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("kafka-observer-" + bootstrap));
        roundSoon();
    }

    /** Starts or updates the observation of a demo; a new or changed target is observed at once. */
    void register(ResourceID demo, KafkaTarget target) {
        KafkaTarget before = targets.put(demo, target);
        if (!target.equals(before)) {
            roundSoon();
        }
    }

    /** Queues a round to run at once, unless one is queued already (it will see this change too). */
    private void roundSoon() {
        if (roundQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    roundQueued.set(false);
                    round();
                });
            } catch (RejectedExecutionException e) {
                roundQueued.set(false); // closed
            }
        }
    }

    /** @return whether no demo is left */
    boolean unregister(ResourceID demo) {
        targets.remove(demo);
        latest.remove(demo);
        return targets.isEmpty();
    }

    Optional<KafkaObservation> latest(ResourceID demo) {
        return Optional.ofNullable(latest.get(demo));
    }

    int demos() {
        return targets.size();
    }

    /** The cluster's Admin client, for a deletion (made if need be; the address is checked first). */
    Admin admin() {
        Admin a = admin;
        if (a != null) {
            return a;
        }
        try {
            return thread.submit(this::adminOrNull).get(CHECK_DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Why the address cannot be used, as the last round found it; null when it worked. */
    String problem() {
        return lastProblem;
    }

    private Admin adminOrNull() {
        if (admin == null) {
            KafkaAddressCheck.Result check = KafkaAddressCheck.checkAll(bootstrap, CHECK_DEADLINE,
                    connection.security());
            if (!check.isKafka()) {
                throw new AddressRefused(check);
            }
            Map<String, Object> config = new HashMap<>(connection.security().clientProperties());
            config.putAll(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "interaction-demo-operator",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000));
            admin = Admin.create(config);
        }
        return admin;
    }

    /** The address did not pass the check. */
    static final class AddressRefused extends RuntimeException {
        final KafkaAddressCheck.Result check;

        AddressRefused(KafkaAddressCheck.Result check) {
            super(check.message(), null, false, false);
            this.check = check;
        }
    }

    /** How many rounds ran (each reads every demo of the cluster). */
    long rounds() {
        return rounds.get();
    }

    private void round() {
        if (closed || targets.isEmpty()) {
            return;
        }
        long round = rounds.incrementAndGet();
        try {
            long t0 = System.nanoTime();
            Admin a = adminOrNull();
            long t1 = System.nanoTime();
            Map<ResourceID, TopicObservation> topics = topicStep(a);
            long t2 = System.nanoTime();
            countStep(a, topics);
            long t3 = System.nanoTime();
            if (LOG.isDebugEnabled()) {
                LOG.debug("Round {} of Kafka at {} for {} demos: client {} ms, topics {} ms, counts {} ms", round,
                        connection, targets.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                        (t3 - t2) / 1_000_000);
            }
            if (lastProblem != null) {
                LOG.info("Kafka at {} answers again", connection);
            }
            lastProblem = null;
            backoff = Duration.ZERO;
            schedule(interval);
        } catch (AddressRefused e) {
            String reason = switch (e.check.verdict()) {
                case NOT_KAFKA -> "NotKafka";
                case TLS_FAILED -> KafkaFailures.TLS_FAILED;
                default -> "KafkaUnreachable";
            };
            failAll(reason, e.check.message());
        } catch (RuntimeException e) {
            var security = KafkaFailures.classify(e, KafkaFailures.principal(connection.security()));
            if (security.isPresent()) {
                failAll(security.get().reason(), "Kafka at " + bootstrap + ": " + security.get().message());
            } else {
                failAll("KafkaUnreachable", "cannot read from Kafka at " + bootstrap + ": " + rootMessage(e));
            }
        }
    }

    private void failAll(String reason, String message) {
        if (!message.equals(lastProblem)) {
            LOG.warn("Kafka at {}: {}", connection, message);
        }
        lastProblem = message;
        for (var e : targets.entrySet()) {
            KafkaTarget t = e.getValue();
            TopicObservation topic = t.management() == TopicManagement.Strimzi ? null
                    : TopicObservation.notReady(reason, message);
            publish(e.getKey(), new KafkaObservation(topic, null, message, reason, clock.instant(), null, null));
        }
        backoff = backoff.isZero() ? interval : backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        schedule(backoff);
    }

    /** The next periodic round, replacing the one planned before: one chain of rounds, however many ran early. */
    private void schedule(Duration after) {
        if (nextRound != null) {
            nextRound.cancel(false);
        }
        if (!closed && !thread.isShutdown()) {
            try {
                nextRound = thread.schedule(this::round, after.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                nextRound = null; // closed meanwhile
            }
        }
    }

    /**
     * Direct and External topics whose last observation was not ready (or whose spec changed): created or checked,
     * for all such demos in one batch.
     */
    private Map<ResourceID, TopicObservation> topicStep(Admin a) {
        Map<ResourceID, TopicObservation> result = new HashMap<>();
        Map<ResourceID, DirectTopics.Want> wants = new HashMap<>();
        for (var e : targets.entrySet()) {
            KafkaTarget t = e.getValue();
            if (t.management() == TopicManagement.Strimzi) {
                continue;
            }
            KafkaObservation last = latest.get(e.getKey());
            TopicObservation known = last == null ? null : last.topic();
            boolean settled = known != null && known.ready() && known.partitions() != null
                    && (t.management() == TopicManagement.External || known.partitions() >= t.partitions());
            if (settled) {
                result.put(e.getKey(), known);
            } else {
                wants.put(e.getKey(), t.management() == TopicManagement.Direct
                        ? new DirectTopics.Want(t.topic(), true, t.partitions(), t.replicas(), t.config(),
                        t.ownedTopicId(), t.mayCreate())
                        : DirectTopics.Want.existing(t.topic()));
            }
        }
        result.putAll(DirectTopics.ensureAll(a, wants, KafkaFailures.principal(connection.security())));
        return result;
    }

    /** One batch of reads for every demo whose topic is ready; every demo's observation published. */
    private void countStep(Admin a, Map<ResourceID, TopicObservation> topics) {
        Map<ResourceID, KafkaTarget> countable = new HashMap<>();
        for (var e : targets.entrySet()) {
            TopicObservation topic = topics.get(e.getKey());
            if (topic == null ? e.getValue().countable() : topic.ready()) {
                countable.put(e.getKey(), e.getValue());
            } else {
                String why = topic == null ? "the KafkaTopic is not ready" : "the topic is not ready (" + topic.reason()
                        + ")";
                publish(e.getKey(), new KafkaObservation(topic, null, why, clock.instant()));
            }
        }
        if (countable.isEmpty()) {
            return;
        }
        Set<String> names = countable.values().stream().map(KafkaTarget::topic).collect(Collectors.toSet());
        Map<String, KafkaFuture<TopicDescription>> described = a.describeTopics(names).topicNameValues();
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        Map<String, String> missing = new HashMap<>();
        for (String name : names) {
            try {
                partitions.put(name, get(described.get(name)).partitions().stream()
                        .map(p -> new TopicPartition(name, p.partition())).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(rootMessage(e), e);
                }
                missing.put(name, "topic " + name + " does not exist");
            }
        }
        List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(a, all, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(a, all, OffsetSpec.earliest());
        Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
        countable.values().stream().filter(t -> partitions.containsKey(t.topic())).forEach(t -> groups.merge(
                t.groupId(), new ListConsumerGroupOffsetsSpec().topicPartitions(partitions.get(t.topic())),
                (x, y) -> new ListConsumerGroupOffsetsSpec().topicPartitions(merged(x, y))));
        var committedResult = groups.isEmpty() ? null : a.listConsumerGroupOffsets(groups);
        var descriptions = groups.isEmpty() ? Map.<String, KafkaFuture<ConsumerGroupDescription>>of()
                : a.describeConsumerGroups(groups.keySet()).describedGroups();
        for (var e : countable.entrySet()) {
            KafkaTarget t = e.getValue();
            TopicObservation topic = topics.get(e.getKey());
            if (missing.containsKey(t.topic())) {
                publish(e.getKey(), new KafkaObservation(topic, null, missing.get(t.topic()), clock.instant()));
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = get(committedResult.partitionsToOffsetAndMetadata(t.groupId()));
            } catch (ExecutionException ex) {
                throw new IllegalStateException("cannot read the offsets of group " + t.groupId() + ": "
                        + rootMessage(ex), ex);
            }
            List<TopicPartition> ps = partitions.get(t.topic());
            Map<TopicPartition, OffsetAndMetadata> offsets = committed == null ? Map.of() : nonNull(committed);
            KafkaReading reading = MessageCounter.count(clock.instant(), ps, p -> ends.get(p).offset(),
                    p -> starts.get(p).offset(), offsets);
            List<PartitionLag> lags = ps.stream().sorted(Comparator.comparingInt(TopicPartition::partition))
                    .map(p -> lag(p, ends.get(p).offset(), starts.get(p).offset(), offsets.get(p))).toList();
            publish(e.getKey(), new KafkaObservation(topic, reading, null, null, reading.at(),
                    members(descriptions.get(t.groupId()), t.topic()), lags));
        }
    }

    private static PartitionLag lag(TopicPartition p, long end, long start, OffsetAndMetadata committed) {
        PartitionLag l = new PartitionLag();
        l.setPartition(p.partition());
        l.setEnd(end);
        l.setCommitted(committed == null ? 0 : committed.offset());
        l.setLag(Math.max(0, end - (committed == null ? start : committed.offset())));
        return l;
    }

    /** The group's members and the partitions of {@code topic} each holds; empty when the group cannot be read. */
    private static List<ConsumerMember> members(KafkaFuture<ConsumerGroupDescription> description, String topic) {
        if (description == null) {
            return List.of();
        }
        try {
            return get(description).members().stream().map(m -> {
                ConsumerMember member = new ConsumerMember();
                member.setClientId(m.clientId());
                member.setHost(m.host());
                member.setPartitions(m.assignment().topicPartitions().stream().filter(p -> p.topic().equals(topic))
                        .map(TopicPartition::partition).sorted().toList());
                return member;
            }).sorted(Comparator.comparing(ConsumerMember::getClientId)).toList();
        } catch (ExecutionException | IllegalStateException e) {
            return List.of(); // no such group yet (no Worker ever joined): no members
        }
    }

    private static List<TopicPartition> merged(ListConsumerGroupOffsetsSpec x, ListConsumerGroupOffsetsSpec y) {
        List<TopicPartition> both = new ArrayList<>(x.topicPartitions());
        y.topicPartitions().stream().filter(p -> !both.contains(p)).forEach(both::add);
        return both;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nonNull(Map<TopicPartition, OffsetAndMetadata> m) {
        Map<TopicPartition, OffsetAndMetadata> r = new HashMap<>();
        m.forEach((k, v) -> {
            if (v != null) {
                r.put(k, v);
            }
        });
        return r;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin a, List<TopicPartition> partitions,
                                                             OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try {
            return get(a.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                    .all());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read offsets: " + rootMessage(e), e);
        }
    }

    private void publish(ResourceID demo, KafkaObservation observation) {
        if (!targets.containsKey(demo)) {
            return; // unregistered during the round
        }
        KafkaObservation before = latest.put(demo, observation);
        if (observation.differsFrom(before)) {
            onChange.accept(demo);
        }
    }

    private static <T> T get(KafkaFuture<T> future) throws ExecutionException {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(5));
        }
    }
}
