package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Tracing;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.notification.Notification;
import dev.interactiondemo.notifier.NotificationOutbox.Pending;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The Host's side of Kafka: numbers each greeting as a {@link Notification}, keeps it in the
 * {@link NotificationOutbox} until Kafka acknowledges it, and sends it through the current producer. The first failed
 * send on a producer closes it at once; the {@code host-kafka} thread then creates a new one (once the bootstrap
 * address answers as Kafka, {@link KafkaGate}) and sends the whole outbox again, in sequence order, before any new
 * notification. See {@link NotificationHost} for why.
 */
final class KafkaPublisher {
    /** Logs as the Host: its lines keep their logger name. */
    private static final Logger LOG = LoggerFactory.getLogger(NotificationHost.class);
    /** How often the host-kafka thread reads the topic's partition count again: a topic can grow. */
    private static final Duration PARTITIONS_READ_EVERY = Duration.ofSeconds(60);

    private final NotifierConfig.Host config;
    private final String topic;
    private final String bootstrapServers;
    private final Map<String, Object> producerProps;
    private final KafkaSecurityFiles kafkaSecurity;
    /** The security of the current producer (for the words of its failures). */
    private volatile KafkaClientSecurity security = KafkaClientSecurity.NONE;
    /** Null when nothing is traced: the producer is not wrapped. */
    private final KafkaTelemetry kafkaTelemetry;
    private final NotificationOutbox outbox;
    private final HostMeters meters;
    private final Thread kafka;
    /** Set when shutdown gives up on Kafka: the host-kafka thread stops. */
    private volatile boolean kafkaStopped;
    /** The producer in use; {@link Link#NONE} until the first one is created. */
    private volatile Link link = Link.NONE;
    /** The topic's partition count as the host-kafka thread last read it; 0 before the first producer. */
    private volatile int partitionCount;
    private final AtomicReference<String> kafkaProblem = new AtomicReference<>();

    // Numbering and sending: guarded by "this"; sequence numbers are assigned, and records handed to the producer,
    // in one order.
    private long sequence;
    private final Map<Integer, Long> partitionSequences = new HashMap<>();

    /** One KafkaProducer. Once a send on it failed it is closed and replaced, never used again. */
    private record Link(Producer<String, byte[]> producer, AtomicBoolean failed) {
        /** Before the first producer: "failed", so that nothing is sent and the host-kafka thread creates one. */
        static final Link NONE = new Link(null, new AtomicBoolean(true));
    }

    KafkaPublisher(NotifierConfig config, OpenTelemetry openTelemetry, NotificationOutbox outbox, HostMeters meters) {
        this.config = config.host();
        this.topic = config.topic();
        this.bootstrapServers = config.bootstrapServers();
        this.kafkaSecurity = config.kafkaSecurity();
        this.kafkaTelemetry = Tracing.records(openTelemetry) ? KafkaTelemetry.create(openTelemetry) : null;
        this.outbox = outbox;
        this.meters = meters;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, this.config.producerId());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        this.producerProps = Map.copyOf(props); // the producer itself is created by the host-kafka thread
        this.kafka = new Thread(this::keepConnected, "host-kafka");
        this.kafka.setDaemon(true);
    }

    /** Starts the host-kafka thread, which creates the first producer. */
    void start() {
        kafka.start();
    }

    /** Why Kafka takes no notifications now; null when it does. */
    String problem() {
        return kafkaProblem.get();
    }

    /**
     * Backpressure: whether the Host should make no new notification now, because Kafka takes none (its producer
     * is being replaced) or {@code maxPending} of them wait for its acknowledgement.
     */
    boolean holdsBack() {
        return link.failed().get() || outbox.size() >= config.maxPending();
    }

    /** Whether shutdown gave up on Kafka: nothing is published any more. */
    boolean stopped() {
        return kafkaStopped;
    }

    /**
     * Numbers a notification, puts it in the outbox and, unless the producer is being replaced, sends it. Never
     * blocks on Kafka: the partition count is the one the host-kafka thread read last.
     */
    void publish(String recipient, String text, long latencyNanos, Context trace) {
        String traceId = TraceLog.traceId(Span.fromContext(trace).getSpanContext());
        synchronized (this) {
            int partition = Partitions.forKey(recipient, partitionCount);
            long seq = ++sequence;
            long partitionSeq = partitionSequences.merge(partition, 1L, Long::sum);
            Notification n = Notification.newBuilder()
                    .setId(UUID.randomUUID().toString())
                    .setProducerId(config.producerId())
                    .setSequence(seq)
                    .setRecipient(recipient)
                    .setText(text)
                    .setCreatedAt(ProtoTime.timestamp(Instant.now()))
                    .setGreeterLatency(ProtoTime.duration(latencyNanos))
                    .setPartition(partition)
                    .setPartitionSequence(partitionSeq)
                    .setTraceId(traceId)
                    .build();
            Span.fromContext(trace).setAttribute("notification.id", n.getId());
            Pending p = new Pending(seq, partition, partitionSeq, recipient, n.toByteArray(), trace);
            outbox.add(p);
            Link l = link;
            if (!l.failed().get()) {
                send(l, p);
            } // else the host-kafka thread sends it, after those before it
            try (TraceLog.Scope ignored = TraceLog.put(traceId)) {
                LOG.debug("Published {} #{} to partition {} as #{}", config.producerId(), seq, partition, partitionSeq);
            }
        }
    }

    /** Hands a pending notification to a producer; its acknowledgement takes it out of the outbox. */
    private void send(Link l, Pending p) {
        try (Scope ignored = p.trace().makeCurrent()) { // the send's PRODUCER span is a child of the notification's
            l.producer().send(p.record(topic), (metadata, error) -> {
                if (error == null) {
                    acknowledged(p);
                } else {
                    sendFailed(l, error);
                }
            });
        } catch (RuntimeException e) {
            sendFailed(l, e);
        }
    }

    private void acknowledged(Pending p) {
        if (!outbox.acknowledged(p)) {
            return; // acknowledged before: this was a second send of it
        }
        meters.sent.increment();
        if (kafkaProblem.getAndSet(null) != null) {
            LOG.info("Kafka accepting notifications again");
        }
    }

    /**
     * A send failed: the first failure on a producer closes it at once, from its callback, so that nothing sent
     * after this notification can reach Kafka before it; the host-kafka thread then replaces the producer.
     */
    private void sendFailed(Link l, Exception error) {
        meters.sendFailures.increment();
        noteKafkaProblem(KafkaGate.problem(error, security));
        if (l.failed().compareAndSet(false, true)) {
            l.producer().close(Duration.ZERO);
            LockSupport.unpark(kafka);
        }
    }

    /**
     * The host-kafka thread: creates a producer once the bootstrap address answers as Kafka, and a new one whenever
     * a send failed, each time sending the outbox again first. Ends when shutdown gives up on Kafka.
     */
    private void keepConnected() {
        Backoff backoff = new Backoff(KafkaGate.FIRST_RECHECK, KafkaGate.LAST_RECHECK);
        long readPartitionsAt = 0;
        while (!kafkaStopped) {
            Link l = link;
            if (!l.failed().get()) {
                if (System.nanoTime() - readPartitionsAt >= 0) { // the topic may have grown
                    try {
                        partitionCount = l.producer().partitionsFor(topic).size();
                    } catch (RuntimeException e) {
                        // Kafka is away: the sends will say so; the count stays
                    }
                    readPartitionsAt = System.nanoTime() + PARTITIONS_READ_EVERY.toNanos();
                }
                LockSupport.parkNanos(this, 1_000_000_000L); // sendFailed() unparks
                continue;
            }
            KafkaClientSecurity checked = KafkaGate.awaitKafka(bootstrapServers, kafkaSecurity, this::noteKafkaProblem,
                    () -> !kafkaStopped);
            if (checked == null) {
                return;
            }
            if (reconnect(checked)) {
                backoff.reset();
                readPartitionsAt = System.nanoTime() + PARTITIONS_READ_EVERY.toNanos();
            } else {
                KafkaGate.pause(backoff.next(), () -> !kafkaStopped);
            }
        }
    }

    /**
     * A new producer, the topic's partition count from it, then every pending notification in sequence order;
     * false when that failed at once.
     */
    private boolean reconnect(KafkaClientSecurity checked) {
        Producer<String, byte[]> producer;
        security = checked;
        Map<String, Object> props = new HashMap<>(producerProps);
        props.putAll(checked.clientProperties());
        try {
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
            if (kafkaTelemetry != null) {
                producer = kafkaTelemetry.wrap(producer);
            }
        } catch (KafkaException e) {
            noteKafkaProblem(KafkaGate.problem(e, checked));
            return false;
        }
        try {
            partitionCount = producer.partitionsFor(topic).size(); // waits up to max.block.ms for the topic
        } catch (RuntimeException e) {
            noteKafkaProblem(KafkaGate.problem(e, checked));
            producer.close(Duration.ZERO);
            return false;
        }
        Link fresh = new Link(producer, new AtomicBoolean());
        synchronized (this) {
            if (kafkaStopped) {
                producer.close(Duration.ZERO);
                return false;
            }
            List<Pending> resend = outbox.inOrder();
            if (!resend.isEmpty()) {
                LOG.info("Sending {} notifications again that Kafka did not acknowledge, in order", resend.size());
            }
            link = fresh;
            for (Pending p : resend) {
                if (fresh.failed().get()) {
                    break;
                }
                send(fresh, p);
            }
        }
        return !fresh.failed().get();
    }

    private void noteKafkaProblem(String problem) {
        if (!problem.equals(kafkaProblem.getAndSet(problem))) {
            LOG.warn("Not publishing: {}", problem);
        }
    }

    /**
     * Waits for Kafka to acknowledge what is pending until a {@link System#nanoTime()} deadline, stops the
     * host-kafka thread and closes the producer; returns what Kafka did not acknowledge, in sequence order.
     */
    List<Pending> close(long deadlineNanos) {
        try {
            outbox.awaitEmpty(deadlineNanos); // the host-kafka thread keeps sending again meanwhile
            kafkaStopped = true;
            kafka.interrupt(); // out of a wait for Kafka's metadata, if it is in one
            kafka.join(2_000);
        } catch (InterruptedException e) {
            kafkaStopped = true;
            Thread.currentThread().interrupt();
        }
        List<Pending> undelivered;
        synchronized (this) {
            undelivered = outbox.inOrder();
            if (link.producer() != null) {
                link.producer().close(undelivered.isEmpty()
                        ? Duration.ofMillis(NotificationHost.millisUntil(deadlineNanos)) : Duration.ZERO);
            }
        }
        return undelivered;
    }
}
