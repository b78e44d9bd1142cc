package dev.interactiondemo.operator.observe;

import dev.interactiondemo.engine.GroupFigures;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.common.Threads;
import dev.interactiondemo.kafka.KafkaAddressCheck;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.kafka.KafkaFailures;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.kafka.TopicBatch;
import dev.interactiondemo.kafka.OffsetReader;
import dev.interactiondemo.kafka.TopicObservation;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

/**
 * Observes one Kafka cluster (one bootstrap address) for every demo that uses it, on a thread of its own: so a
 * reconcile never waits on Kafka, and a cluster that does not answer slows down only its own demos.
 * <p>
 * Every round (each status interval) it first keeps Direct-mode topics in place and checks External ones, for the
 * demos whose topic is not known to be ready ({@link TopicAdmin}); then it reads the counts of all its demos in one
 * batch of Admin calls ({@link OffsetReader}): one describe of their topics, one listing of end offsets, one of start
 * offsets, one of the committed offsets of all their groups, one describe of the groups. A demo whose observation
 * changed is reported to {@code onChange} (a java-operator-sdk event source): its reconcile then writes the status.
 * A cluster that fails a round is tried again after a back-off that doubles up to {@link #MAX_BACKOFF}. The address
 * is checked to be Kafka before any Kafka client is made for it ({@link KafkaAddressCheck}).
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
    /** The topic dependents' changes, made in batches through this cluster's Admin client. */
    private final TopicBatch topicChanges;
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
        this.topicChanges = new TopicBatch(KafkaFailures.principal(connection.security()));
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

    /**
     * Creates or grows a demo's topic for its topic dependent, in one batch with the other demos' changes of the
     * moment; the topic as made (the demo's latest observation holds it at once), or null when Kafka cannot be
     * reached.
     */
    TopicObservation changeTopic(ResourceID demo, TopicAdmin.Want want) {
        Admin a = admin();
        if (a == null) {
            return null;
        }
        TopicObservation made = topicChanges.ensure(a, demo, want);
        topicChanged(demo, made);
        return made;
    }

    /**
     * What the demo's topic dependent made of its topic (created, grown): the demo's latest observation holds it at
     * once, and a round follows at once for its counts, which tells the reconciler.
     */
    private void topicChanged(ResourceID demo, TopicObservation topic) {
        if (targets.containsKey(demo)) {
            latest.put(demo, new KafkaObservation(topic, null, null, clock.instant()));
        }
        roundSoon();
    }

    Optional<KafkaObservation> latest(ResourceID demo) {
        return Optional.ofNullable(latest.get(demo));
    }

    int demos() {
        return targets.size();
    }

    /** The cluster's Admin client, for the topic dependents (made if need be; the address is checked first). */
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
            KafkaAddressCheck.Result check = connection.check(CHECK_DEADLINE);
            if (!check.isKafka()) {
                throw new AddressRefused(check);
            }
            admin = connection.admin("interaction-demo-operator", CALL_TIMEOUT);
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
     * Direct and External topics whose last observation was not ready (or whose spec changed): looked at, for all
     * such demos in one batch.
     */
    private Map<ResourceID, TopicObservation> topicStep(Admin a) {
        Map<ResourceID, TopicObservation> result = new HashMap<>();
        Map<ResourceID, TopicAdmin.Want> wants = new HashMap<>();
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
                        ? new TopicAdmin.Want(t.topic(), true, t.partitions(), t.replicas(), t.config(),
                        t.ownedTopicId(), false)
                        : TopicAdmin.Want.existing(t.topic()));
            }
        }
        result.putAll(TopicAdmin.ensureAll(a, wants, KafkaFailures.principal(connection.security())));
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
        Map<ResourceID, OffsetReader.Subject> subjects = new HashMap<>();
        countable.forEach((id, t) -> subjects.put(id, new OffsetReader.Subject(t.topic(), t.groupId())));
        Map<ResourceID, OffsetReader.TopicReading> read = new OffsetReader(a, CALL_TIMEOUT, clock).readAll(subjects);
        for (var e : read.entrySet()) {
            TopicObservation topic = topics.get(e.getKey());
            OffsetReader.TopicReading r = e.getValue();
            if (r.missing() != null) {
                publish(e.getKey(), new KafkaObservation(topic, null, r.missing(), clock.instant()));
                continue;
            }
            publish(e.getKey(), new KafkaObservation(topic, r.reading(), null, null, r.reading().at(),
                    r.members().stream().map(GroupFigures::member).toList(),
                    r.partitions().stream().map(GroupFigures::lag).toList()));
        }
    }



    private void publish(ResourceID demo, KafkaObservation observation) {
        if (!targets.containsKey(demo)) {
            return; // unregistered during the round
        }
        KafkaObservation[] before = new KafkaObservation[1];
        KafkaObservation now = latest.compute(demo, (id, last) -> {
            before[0] = last;
            if (last == null) {
                return observation;
            }
            if (madeSince(last.topic(), observation.topic())) {
                return last; // the round looked before the dependent made the topic
            }
            return observation.withTopic(asMade(last.topic(), observation.topic()));
        });
        if (now.differsFrom(before[0])) {
            onChange.accept(demo);
        }
    }

    /** Whether the topic was made ready (with its id) after a round found it still to be created. */
    private static boolean madeSince(TopicObservation made, TopicObservation found) {
        return made != null && made.ready() && made.topicId() != null && found != null && !found.ready()
                && TopicObservation.CREATING.equals(found.reason());
    }

    /**
     * A round that describes the topic its dependent has just created or grown finds it as it is ("Exists"): the
     * status keeps saying what the operator made of it, as long as the topic is that same one, unchanged.
     */
    private static TopicObservation asMade(TopicObservation made, TopicObservation found) {
        boolean same = made != null && found != null && made.ready() && found.ready() && made.topicId() != null
                && made.topicId().equals(found.topicId()) && Objects.equals(made.partitions(),
                found.partitions()) && "Exists".equals(found.reason());
        return same && ("Created".equals(made.reason()) || "PartitionsIncreased".equals(made.reason())) ? made : found;
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
