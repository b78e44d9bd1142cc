package dev.interactiondemo.notifier;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.interactiondemo.notification.Notification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The notification Worker (consumer). It pulls notifications in a consumer group, processes each (with an optional
 * artificial delay), and commits offsets only after processing: at-least-once delivery. Every delivery goes through
 * the {@link DeliveryAudit}, which counts duplicates and losses.
 *
 * <p>Commits: after each poll, asynchronously ({@code commitAsync}: the loop does not wait for Kafka, and a commit
 * that fails is covered by the next one); synchronously when partitions are revoked, so that their next owner starts
 * right after what was processed here, and on shutdown. A Worker killed between two commits leaves its last
 * notifications to be delivered again: duplicates, never a loss. Its consumer is created only once the bootstrap
 * address answers as Kafka ({@link KafkaGate}).
 */
public final class NotificationWorker implements NotifierRole {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);
    private static final Duration CONNECTIVITY_CHECK_EVERY = Duration.ofSeconds(5);

    private final NotifierConfig.Worker config;
    private final String topic;
    private final Map<String, Object> consumerProps;
    private final String bootstrapServers;
    /** Created by the poll thread once the bootstrap address answers as Kafka; null before. */
    private volatile KafkaConsumer<String, byte[]> consumer;
    private final DeliveryAudit audit;
    private final Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;
    private final AtomicReference<String> problem = new AtomicReference<>("not connected to Kafka yet");
    /** Per partition owned, the offset after the last record processed. Poll thread only. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    /** Whether {@link #processed} moved since the last commit. Poll thread only. */
    private boolean uncommitted;

    private final Counter consumed;
    private final Counter duplicates;
    private final Counter lost;
    private final Counter invalid;
    private final Timer endToEnd;

    public NotificationWorker(NotifierConfig config, MeterRegistry registry) {
        this(config, registry, new DeliveryAudit());
    }

    /** With a given audit, which a restarted Worker may continue (as the tests do). */
    public NotificationWorker(NotifierConfig config, MeterRegistry registry, DeliveryAudit audit) {
        this.config = config.worker();
        this.topic = config.topic();
        this.audit = audit;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, this.config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords(this.config.processingDelay()));
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.consumerProps = Map.copyOf(props); // the consumer itself is created by the poll thread
        this.bootstrapServers = config.bootstrapServers();
        this.consumed = Counter.builder("notifier.consumed").description("notifications processed, duplicates included")
                .register(registry);
        this.duplicates = Counter.builder("notifier.duplicates")
                .description("notifications delivered again (at-least-once redelivery)").register(registry);
        this.lost = Counter.builder("notifier.lost")
                .description("notifications missing from a partition's sequence").register(registry);
        this.invalid = Counter.builder("notifier.invalid").description("records that are not a Notification; skipped")
                .register(registry);
        this.endToEnd = Timer.builder("notifier.end.to.end.latency")
                .description("from the notification's creation at the Host to the end of its processing here")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
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
        LOG.info("Worker consuming topic {} in group {}, processing delay {} ms", topic, config.groupId(),
                config.processingDelay().toMillis());
        loop.start();
        return this;
    }

    /** Commits on revoke, so that the partitions' next owner starts right after what was processed here. */
    private final ConsumerRebalanceListener rebalanceListener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitSync();
            giveUp(partitions);
            LOG.info("Partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // No longer a member (e.g. after a session timeout): a commit would be refused. The next owner starts
            // at the last commit and delivers what came after it again.
            giveUp(partitions);
            LOG.warn("Partitions lost: {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("Partitions assigned: {}", partitions);
        }

        private void giveUp(Collection<TopicPartition> partitions) {
            processed.keySet().removeAll(partitions);
            synchronized (audit) {
                audit.forget(partitions.stream().map(TopicPartition::partition).toList());
            }
        }
    };

    /** Empty when connected to Kafka and the topic exists; else why not. */
    @Override
    public Optional<String> notReadyReason() {
        return Optional.ofNullable(problem.get());
    }

    public Stats stats() {
        synchronized (audit) {
            return new Stats((long) consumed.count(), (long) duplicates.count(), (long) lost.count(),
                    (long) invalid.count(), audit.producers(), endToEnd.percentile(0.5, TimeUnit.MILLISECONDS),
                    endToEnd.percentile(0.99, TimeUnit.MILLISECONDS));
        }
    }

    /** The Worker's counters; latencies in milliseconds. */
    public record Stats(long consumed, long duplicates, long lost, long invalid, int producers,
                        double endToEndP50Ms, double endToEndP99Ms) {
    }

    private void run() {
        long nextCheck = 0;
        try {
            if (!KafkaGate.awaitKafka(bootstrapServers, this::notReady, () -> running)) {
                return;
            }
            consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
            if (!running) {
                return; // close() came while the consumer was being created: it saw none to wake up
            }
            consumer.subscribe(List.of(topic), rebalanceListener);
            while (running) {
                if (System.nanoTime() >= nextCheck) {
                    checkConnectivity();
                    nextCheck = System.nanoTime() + CONNECTIVITY_CHECK_EVERY.toNanos();
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!running) {
                        break;
                    }
                    process(record);
                }
                commitAsync();
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("Worker poll loop failed", e);
            problem.set("poll loop failed: " + e);
        } finally {
            try {
                if (consumer != null) {
                    commitSync();
                }
            } finally {
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(10)); // leaves the group at once: no wait for a session timeout
                }
                stopped.countDown();
            }
        }
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
        if (n == null || n.getProducerId().isEmpty()) {
            invalid.increment();
            LOG.warn("Skipping record {}-{}@{}: not a Notification", record.topic(), record.partition(), record.offset());
        } else {
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
                switch (outcome) {
                    case DUPLICATE -> duplicates.increment();
                    case AFTER_GAP -> {
                        double before = lost.count();
                        lost.increment(audit.lost() - before);
                        LOG.warn("Gap before {} #{} in partition {}: {} lost in all", n.getProducerId(),
                                n.getPartitionSequence(), record.partition(), audit.lost());
                    }
                    default -> {
                    }
                }
            }
            LOG.debug("Processed {} #{} from partition {} at offset {}", n.getProducerId(), n.getPartitionSequence(),
                    record.partition(), record.offset());
            long nanos = java.time.Duration.between(ProtoTime.instant(n.getCreatedAt()), Instant.now()).toNanos();
            endToEnd.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
        processed.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        uncommitted = true;
    }

    /** After a poll: commits what was processed without waiting; a failed commit is covered by the next one. */
    private void commitAsync() {
        if (!uncommitted) {
            return;
        }
        consumer.commitAsync(Map.copyOf(processed), (offsets, error) -> {
            if (error != null) {
                LOG.warn("Commit failed; the next one covers it: {}", error.toString());
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
        KafkaConsumer<String, byte[]> c = consumer;
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
