package dev.interactiondemo.notifier;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.notification.Notification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.interactiondemo.common.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The notification Worker (consumer). It pulls notifications in a consumer group, processes each (with an optional
 * artificial delay), and commits offsets only after processing: at-least-once delivery. Every delivery goes through
 * the {@link DeliveryAudit}, which counts duplicates and losses.
 *
 * <p>Commits: after a poll, asynchronously ({@code commitAsync}: the loop does not wait for Kafka, and a commit
 * that fails is covered by the next one), at most every {@link #COMMIT_EVERY} while records keep coming and at once
 * after a poll that returns none; synchronously when partitions are revoked, so that their next owner starts
 * right after what was processed here, and on shutdown. A Worker killed between two commits leaves its last
 * notifications to be delivered again: duplicates, never a loss. Its consumer is created only once the bootstrap
 * address answers as Kafka ({@link KafkaGate}).
 *
 * <p>Injected fault ({@link WorkerFaults}): after a batch is processed, {@code failBeforeCommit} may make
 * the Worker fail before committing it. It logs one WARN, counts it ({@code notifier_injected_failures_total}) and
 * closes its consumer without committing; Kafka will deliver that batch again. Then, as {@link OnInjectedFailure}
 * says: a program ({@link NotifierMain}, a pod) exits with status {@value #INJECTED_FAILURE_EXIT_STATUS} and
 * Kubernetes restarts it; a Worker embedded in another program (the sandbox) creates a new consumer after
 * {@link #RECONNECT_PAUSE} and goes on, keeping its audit, so the redelivered batch shows as duplicates.
 *
 * <p>Tracing: the consumer is wrapped by OpenTelemetry's kafka-clients instrumentation, which makes each record's
 * processing a CONSUMER span ({@code <topic> process}) whose parent is the Host's send span, taken from the W3C trace
 * context in the record's headers: the time the notification waited in Kafka is the gap between the two. The log
 * lines about a notification carry its trace id (MDC {@code trace_id}).
 */
public final class NotificationWorker implements NotifierRole {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);
    private static final Duration CONNECTIVITY_CHECK_EVERY = Duration.ofSeconds(5);
    /**
     * The least time between two asynchronous commits while records keep coming: a commit per poll (up to 500
     * records) kept one in flight behind every fetch. A poll that returns nothing commits at once.
     */
    static final Duration COMMIT_EVERY = Duration.ofMillis(100);
    /** The exit status of a Worker program after an injected failure ({@link OnInjectedFailure#EXIT}). */
    public static final int INJECTED_FAILURE_EXIT_STATUS = 3;
    /** How long an embedded Worker waits, after an injected failure, before it creates a new consumer. */
    public static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    /** The longest pause between consumers while they keep failing (e.g. a refused login). */
    static final Duration FAILED_RECONNECT_MAX = Duration.ofSeconds(30);

    /** What the Worker does once an injected failure has closed its consumer without a commit. */
    public enum OnInjectedFailure {
        /** Creates a new consumer after {@link #RECONNECT_PAUSE} and goes on, in the same process (embedded). */
        RECONNECT,
        /**
         * Exits the JVM with status {@value #INJECTED_FAILURE_EXIT_STATUS} (shutdown hooks run): a program in a
         * pod, which Kubernetes restarts.
         */
        EXIT
    }

    private final NotifierConfig.Worker config;
    private final String topic;
    private final Map<String, Object> consumerProps;
    private final KafkaSecurityFiles kafkaSecurity;
    /** Whether the current consumer polled at least once (a failure after that starts the back-off afresh). */
    private volatile boolean polled;
    private final String bootstrapServers;
    /** Created by the poll thread once the bootstrap address answers as Kafka; null before and between two. */
    private volatile Consumer<String, byte[]> consumer;
    private final DeliveryAudit audit;
    private final WorkerFaults faults;
    private final OnInjectedFailure onInjectedFailure;
    /** Null when nothing is traced: the consumer is not wrapped. */
    private final KafkaTelemetry kafkaTelemetry;
    private final Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;
    private final AtomicReference<String> problem = new AtomicReference<>("not connected to Kafka yet");
    /** Per partition owned, the offset after the last record processed. Poll thread only. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    /** Whether {@link #processed} moved since the last commit. Poll thread only. */
    private boolean uncommitted;
    /** When the last asynchronous commit was sent (System.nanoTime); only touched on the poll thread. */
    private long lastCommitNanos;
    /** True while the consumer is closed after an injected failure: no commit, and the audit keeps its partitions. */
    private boolean failing;
    /**
     * After an injected failure, per partition held, the offset after the last record processed: the next consumer
     * keeps the audit's expectations for those it gets back where this Worker left them. Poll thread only.
     */
    private final Map<TopicPartition, Long> heldAtFailure = new HashMap<>();

    private final Counter consumed;
    private final Counter delivered;
    private final Counter duplicates;
    private final Counter lost;
    private final Counter invalid;
    private final Counter injectedFailures;
    private final Latency endToEnd;

    /** Embedded, untraced, faults as configured. */
    public NotificationWorker(NotifierConfig config, MeterRegistry registry) {
        this(config, registry, new DeliveryAudit());
    }

    /** With a given audit, which a restarted Worker may continue (as the tests do); embedded, untraced. */
    public NotificationWorker(NotifierConfig config, MeterRegistry registry, DeliveryAudit audit) {
        this(config, registry, audit, config.worker().faults(), OpenTelemetry.noop());
    }

    /** With fault switches to flip while it runs (instead of the configured ones); embedded, untraced. */
    public NotificationWorker(NotifierConfig config, MeterRegistry registry, WorkerFaults faults) {
        this(config, registry, new DeliveryAudit(), faults, OpenTelemetry.noop());
    }

    /** Embedded ({@link OnInjectedFailure#RECONNECT}): what the sandbox runs. */
    public NotificationWorker(NotifierConfig config, MeterRegistry registry, DeliveryAudit audit, WorkerFaults faults,
                              OpenTelemetry openTelemetry) {
        this(config, registry, audit, faults, openTelemetry, OnInjectedFailure.RECONNECT);
    }

    /**
     * @param faults            the fault switches, read after every batch ({@code config.worker().faults()} for the
     *                          configured ones)
     * @param openTelemetry     where the processing spans go ({@code Tracing.init(...)};
     *                          {@link OpenTelemetry#noop()} for none)
     * @param onInjectedFailure {@link OnInjectedFailure#EXIT} in a program of its own, else
     *                          {@link OnInjectedFailure#RECONNECT}
     */
    public NotificationWorker(NotifierConfig config, MeterRegistry registry, DeliveryAudit audit, WorkerFaults faults,
                              OpenTelemetry openTelemetry, OnInjectedFailure onInjectedFailure) {
        this.config = config.worker();
        this.topic = config.topic();
        this.audit = audit;
        this.faults = faults;
        this.onInjectedFailure = onInjectedFailure;
        this.kafkaTelemetry = Tracing.records(openTelemetry) ? KafkaTelemetry.create(openTelemetry) : null;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, this.config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords(this.config.processingDelay()));
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.consumerProps = Map.copyOf(props); // the consumer itself is created by the poll thread
        this.bootstrapServers = config.bootstrapServers();
        this.kafkaSecurity = config.kafkaSecurity();
        this.consumed = Counter.builder("notifier.consumed").description("notifications processed, duplicates included")
                .register(registry);
        this.delivered = Counter.builder("notifier.delivered")
                .description("distinct notifications delivered: consumed less duplicates").register(registry);
        this.duplicates = Counter.builder("notifier.duplicates")
                .description("notifications delivered again (at-least-once redelivery)").register(registry);
        this.lost = Counter.builder("notifier.lost")
                .description("notifications missing from a partition's sequence").register(registry);
        this.invalid = Counter.builder("notifier.invalid").description("records that are not a Notification; skipped")
                .register(registry);
        this.injectedFailures = Counter.builder("notifier.injected.failures")
                .description("injected faults: batches processed and then not committed (failBeforeCommit)")
                .register(registry);
        Gauge.builder("notifier.fault.fail.before.commit", faults, WorkerFaults::failBeforeCommit)
                .description("the failBeforeCommit fault switch now: share of batches failed before their commit")
                .register(registry);
        this.endToEnd = new Latency(registry, "notifier.end.to.end.latency",
                "from the notification's creation at the Host to the end of its processing here");
        this.loop = new Thread(this::run, "worker-poll");
    }

    /**
     * Bounds a poll's batch so processing it stays well inside {@code max.poll.interval.ms} (5 min): with a delay
     * per record, a full default batch of 500 could take long enough to be thrown out of the group.
     */
    static int maxPollRecords(Duration processingDelay) {
        if (processingDelay.isZero()) {
            return 500;
        }
        return (int) Math.max(1, Math.min(500, Duration.ofSeconds(30).toMillis() / Math.max(1, processingDelay.toMillis())));
    }

    @Override
    public NotificationWorker start() {
        started = true;
        LOG.info("Worker consuming topic {} in group {}, processing delay {} ms, fault fail-before-commit {}", topic,
                config.groupId(), config.processingDelay().toMillis(), faults.failBeforeCommit());
        loop.start();
        return this;
    }

    /**
     * Commits on revoke, so that the partitions' next owner starts right after what was processed here; except while
     * failing on purpose, when neither a commit nor forgetting the audit's expectations would show the lesson.
     */
    private final ConsumerRebalanceListener rebalanceListener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (failing) {
                LOG.info("Partitions given up without a commit (injected fault): {}", partitions);
                return;
            }
            commitSync();
            giveUp(partitions);
            LOG.info("Partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // No longer a member (e.g. after a session timeout): a commit would be refused. The next owner starts
            // at the last commit and delivers what came after it again.
            if (!failing) {
                giveUp(partitions);
            }
            LOG.warn("Partitions lost: {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("Partitions assigned: {}", partitions);
            if (!heldAtFailure.isEmpty()) {
                keepExpectationsAfterFailure(partitions);
            }
        }

        private void giveUp(Collection<TopicPartition> partitions) {
            processed.keySet().removeAll(partitions);
            forget(partitions);
        }
    };

    private void forget(Collection<TopicPartition> partitions) {
        synchronized (audit) {
            audit.forget(partitions.stream().map(TopicPartition::partition).toList());
        }
    }

    /**
     * The first assignment after an injected failure. For a partition this Worker gets back with nothing committed
     * beyond what it had processed, the audit keeps its expectations: what Kafka delivers again counts as duplicates.
     * A partition it did not get back, or that another Worker processed further meanwhile, is forgotten, so that no
     * gap shows where there is none.
     */
    private void keepExpectationsAfterFailure(Collection<TopicPartition> assigned) {
        List<TopicPartition> stale = new ArrayList<>();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(
                    heldAtFailure.keySet().stream().filter(assigned::contains).collect(Collectors.toSet()));
            heldAtFailure.forEach((partition, processedUpTo) -> {
                OffsetAndMetadata c = committed.get(partition);
                if (!assigned.contains(partition) || (c == null ? 0 : c.offset()) > processedUpTo) {
                    stale.add(partition);
                }
            });
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Could not read the committed offsets ({}); the audit starts afresh on its partitions", e.toString());
            stale.addAll(heldAtFailure.keySet());
        }
        heldAtFailure.clear();
        forget(stale);
    }

    /** Empty when connected to Kafka and the topic exists; else why not. */
    @Override
    public Optional<String> notReadyReason() {
        return Optional.ofNullable(problem.get());
    }

    public Stats stats() {
        synchronized (audit) {
            return new Stats((long) consumed.count(), (long) duplicates.count(), (long) lost.count(),
                    (long) invalid.count(), audit.producers(), endToEnd.p50Millis(), endToEnd.p99Millis(), (long) delivered.count(),
                    (long) injectedFailures.count());
        }
    }

    /** The fault switches this Worker reads after every batch: flip them while it runs. */
    public WorkerFaults faults() {
        return faults;
    }

    /**
     * The Worker's counters; latencies in milliseconds.
     *
     * @param delivered        distinct notifications delivered (consumed less duplicates)
     * @param injectedFailures batches failed before their commit by the injected fault
     */
    public record Stats(long consumed, long duplicates, long lost, long invalid, int producers,
                        double endToEndP50Ms, double endToEndP99Ms, long delivered, long injectedFailures) {
    }

    /** How a consumer's life ended. */
    private enum Ended {
        /** The Worker stops. */
        STOPPED,
        /** The injected fault closed the consumer without a commit. */
        INJECTED,
        /** The consumer failed (say, Kafka refused its login or an ACL is missing): a new one after a pause. */
        FAILED
    }

    /**
     * The poll thread: a consumer once Kafka answers, and a new one after an injected fault or a failure (with a
     * pause that grows up to {@link #FAILED_RECONNECT_MAX} while failures repeat), until the Worker stops.
     */
    private void run() {
        Backoff backoff = new Backoff(KafkaGate.FIRST_RECHECK, FAILED_RECONNECT_MAX);
        try {
            while (running) {
                KafkaClientSecurity security = KafkaGate.awaitKafka(bootstrapServers, kafkaSecurity, this::notReady,
                        () -> running);
                if (security == null) {
                    return;
                }
                switch (consume(security)) {
                    case STOPPED -> {
                        return;
                    }
                    case INJECTED -> {
                        if (onInjectedFailure == OnInjectedFailure.EXIT) {
                            LOG.warn("Worker exiting with status {} (injected fault), to be restarted",
                                    INJECTED_FAILURE_EXIT_STATUS);
                            stopped.countDown(); // the shutdown hook's close() need not wait for this thread
                            System.exit(INJECTED_FAILURE_EXIT_STATUS);
                        }
                        backoff.reset();
                        KafkaGate.pause(RECONNECT_PAUSE, () -> running);
                        if (running) {
                            LOG.info("Worker creating a new consumer after the injected fault");
                        }
                    }
                    case FAILED -> {
                        if (polled) {
                            backoff.reset();
                        }
                        KafkaGate.pause(backoff.next(), () -> running);
                        if (running) {
                            LOG.info("Worker creating a new consumer after a failure");
                        }
                    }
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    /**
     * One consumer's life: polls and processes until the Worker stops (returns false; the consumer commits what was
     * processed and leaves its group) or the injected fault fires after a batch (returns true; the consumer leaves
     * without a commit).
     */
    private Ended consume(KafkaClientSecurity security) {
        Consumer<String, byte[]> c;
        polled = false;
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.putAll(security.clientProperties());
        try {
            c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            if (kafkaTelemetry != null) {
                c = kafkaTelemetry.wrap(c);
            }
        } catch (KafkaException e) {
            LOG.error("Worker cannot create its consumer", e);
            problem.set("cannot create a consumer: " + e);
            return Ended.FAILED;
        }
        consumer = c;
        boolean injected = false;
        try {
            if (!running) {
                return Ended.STOPPED; // close() came while the consumer was being created: it saw none to wake up
            }
            c.subscribe(List.of(topic), rebalanceListener);
            long nextCheck = 0;
            while (running) {
                if (System.nanoTime() >= nextCheck) {
                    checkConnectivity();
                    nextCheck = System.nanoTime() + CONNECTIVITY_CHECK_EVERY.toNanos();
                }
                int batch = processAll(c.poll(Duration.ofMillis(500)));
                polled = true;
                if (batch > 0 && running && faults.failsBeforeCommit()) {
                    injected = true;
                    failBeforeCommit(batch);
                    return Ended.INJECTED;
                }
                if (batch == 0 || System.nanoTime() - lastCommitNanos >= COMMIT_EVERY.toNanos()) {
                    commitAsync();
                }
            }
            return Ended.STOPPED;
        } catch (WakeupException e) {
            return Ended.STOPPED; // close() asked us to stop
        } catch (RuntimeException e) {
            String why = KafkaGate.problem(e, security);
            if (!why.equals(problem.get())) {
                LOG.error("Worker poll loop failed: {}", why, e);
            }
            problem.set(why);
            return Ended.FAILED;
        } finally {
            try {
                if (!injected) {
                    commitSync();
                }
            } catch (WakeupException e) {
                // commitSync committed again before rethrowing it: we are stopping anyway
            } finally {
                try {
                    // Leaves the group at once (no wait for a session timeout). Closing revokes the partitions, and
                    // the rebalance listener commits through the consumer field: so it is cleared only afterwards.
                    c.close(Duration.ofSeconds(10));
                } finally {
                    consumer = null;
                    failing = false;
                }
            }
        }
    }

    /**
     * Processes a poll's records, partition by partition, until the Worker stops; returns how many. With tracing, a
     * record's span starts in {@code next()} and ends in the following {@code hasNext()}: so {@code hasNext()} is
     * asked before {@code running}, and no record is taken that will not be processed.
     */
    private int processAll(ConsumerRecords<String, byte[]> records) {
        int count = 0;
        for (TopicPartition partition : records.partitions()) {
            Iterator<ConsumerRecord<String, byte[]>> it = records.records(partition).iterator();
            long next = -1;
            try {
                while (it.hasNext()) {
                    if (!running) {
                        return count;
                    }
                    ConsumerRecord<String, byte[]> record = it.next();
                    process(record);
                    next = record.offset() + 1;
                    count++;
                }
            } finally {
                if (next >= 0) { // what was processed of this partition, once per poll rather than per record
                    processed.put(partition, new OffsetAndMetadata(next));
                    uncommitted = true;
                }
            }
        }
        return count;
    }

    /**
     * The injected fault: the batch is processed (and audited) but not committed. The consumer is closed without a
     * commit and without the audit forgetting its partitions; Kafka delivers the batch again to whoever gets them.
     */
    private void failBeforeCommit(int records) {
        injectedFailures.increment();
        LOG.warn("injected fault: failing before commit after {} records", records);
        processed.forEach((partition, next) -> heldAtFailure.put(partition, next.offset()));
        processed.clear();
        uncommitted = false;
        failing = true;
        notReady("injected fault: failed before commit; reconnecting");
    }

    /** Kafka answers and the topic exists: the readiness the Worker reports. */
    private void checkConnectivity() {
        try {
            boolean exists = consumer.listTopics(Duration.ofSeconds(3)).containsKey(topic);
            if (exists) {
                problem.set(null);
            } else {
                notReady("kafka: topic " + topic + " does not exist");
            }
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            notReady("kafka unreachable: " + e.getMessage());
        }
    }

    /** Sets the reason {@code /readyz} gives, and logs it when it changed. */
    private void notReady(String reason) {
        if (!reason.equals(problem.getAndSet(reason))) {
            LOG.warn("Not ready: {}", reason);
        }
    }

    private void process(ConsumerRecord<String, byte[]> record) {
        Notification n;
        try {
            n = Notification.parseFrom(record.value() == null ? new byte[0] : record.value());
        } catch (InvalidProtocolBufferException e) {
            n = null;
        }
        Span span = Span.current(); // the record's CONSUMER span, when traced
        if (n == null || n.getProducerId().isEmpty()) {
            invalid.increment();
            LOG.warn("Skipping record {}-{}@{}: not a Notification", record.topic(), record.partition(), record.offset());
        } else {
            String traceId = n.getTraceId().isEmpty() ? TraceLog.traceId(span.getSpanContext()) : n.getTraceId();
            try (TraceLog.Scope ignored = TraceLog.put(traceId)) {
                audit(record, n, span);
            }
        }
    }

    /** A Notification's processing: the delay, the audit, the counters, the end-to-end latency. */
    private void audit(ConsumerRecord<String, byte[]> record, Notification n, Span span) {
        if (!config.processingDelay().isZero()) {
            try {
                Thread.sleep(config.processingDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (audit) {
            DeliveryAudit.Outcome outcome = audit.record(n.getProducerId(), record.partition(), n.getPartitionSequence());
            consumed.increment();
            span.setAttribute("notification.id", n.getId());
            span.setAttribute("notification.delivery", outcome.name());
            switch (outcome) {
                case DUPLICATE -> duplicates.increment();
                case AFTER_GAP -> {
                    delivered.increment();
                    double before = lost.count();
                    lost.increment(audit.lost() - before);
                    LOG.warn("Gap before {} #{} in partition {}: {} lost in all", n.getProducerId(),
                            n.getPartitionSequence(), record.partition(), audit.lost());
                }
                default -> delivered.increment();
            }
        }
        if (LOG.isDebugEnabled()) { // no boxing for a line that is not written
            LOG.debug("Processed {} #{} from partition {} at offset {}", n.getProducerId(), n.getPartitionSequence(),
                    record.partition(), record.offset());
        }
        long nanos = java.time.Duration.between(ProtoTime.instant(n.getCreatedAt()), Instant.now()).toNanos();
        endToEnd.record(Math.max(0, nanos));
    }

    /**
     * After a poll (at most every {@link #COMMIT_EVERY} while records keep coming): commits what was processed without
     * waiting; a failed commit is made again after the next poll.
     */
    private void commitAsync() {
        if (!uncommitted) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        consumer.commitAsync(Map.copyOf(processed), (offsets, error) -> {
            if (error != null) {
                // Kafka runs this callback on the poll thread: the next loop commits again, records or not, so the
                // last batch before a quiet spell is not left uncommitted (its lag would never reach 0).
                uncommitted = true;
                LOG.warn("Commit failed; committing again after the next poll: {}", error.toString());
            }
        });
        uncommitted = false;
    }

    /** On revoke and on shutdown: commits what was processed and waits for Kafka's answer. */
    private void commitSync() {
        if (processed.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(processed);
        } catch (WakeupException e) {
            consumer.commitSync(processed); // the wakeup came from close(); commit what was done, then stop
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Commit failed; notifications processed since the last commit will be delivered again: {}",
                    e.toString());
        }
        uncommitted = false;
    }

    /** Stops polling (or waiting for Kafka), commits what was processed and leaves the group. */
    @Override
    public void close() {
        running = false;
        if (!started) {
            return;
        }
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // else the poll thread sees running = false before it polls
        }
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.warn("Worker did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Worker stopped: {}", stats());
    }
}
