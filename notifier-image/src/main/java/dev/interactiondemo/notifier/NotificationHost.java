package dev.interactiondemo.notifier;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.common.Threads;
import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import dev.interactiondemo.notification.Notification;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.interactiondemo.common.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The notification Host (producer). At the configured rate it picks the next recipient, calls
 * {@code Greeter.SayHello} with a deadline, wraps the greeting in a {@link Notification} and publishes it with key =
 * recipient (idempotent producer, {@code acks=all}).
 *
 * <p>{@code sync} mode makes one blocking call at a time on the pacing thread: a slow or dead Greeter blocks the
 * Host, which is the lesson. {@code async} mode keeps up to {@code maxInFlight} calls outstanding. A failed call is
 * counted and retried with exponential backoff; nothing is published without a greeting; the Host keeps running
 * while the Greeter is down and resumes when it is back.
 *
 * <p>Nothing is lost while Kafka is away. Each notification stays in the Host's outbox, numbered, until Kafka
 * acknowledges it, and a send that fails (Kafka away for longer than {@code delivery.timeout.ms}, or an error the
 * producer does not retry) is sent again as the same notification: same producer id, same sequence numbers, same
 * creation time. Kafka keeps order within a partition only inside one producer's session: after a failure, a
 * later record still waiting in the producer could reach Kafka before the failed one is sent again, and the
 * Worker would count the numbers in between as lost. So the failure callback closes that producer at once
 * ({@code close(Duration.ZERO)} from its own I/O thread: every other incomplete send of it fails, none goes out any
 * more), and the {@code host-kafka} thread creates a new producer and sends the whole outbox again, in sequence
 * order, before any new notification. The Worker may see a notification twice, never a gap.
 *
 * <p>Backpressure: while the producer is being replaced, or while {@code maxPending} notifications wait for an
 * acknowledgement, the Host makes no new Greeter call, so memory stays bounded. Before creating any producer it
 * checks that the bootstrap address answers as Kafka ({@link KafkaGate}). On shutdown it gives Kafka at most
 * {@link #SHUTDOWN_BUDGET} to acknowledge what is pending (a pod's grace period is 30 s) and logs what was not.
 *
 * <p>Tracing, with the {@link OpenTelemetry} given: each notification is a root span
 * {@code notify <recipient>} (INTERNAL), from the choice of recipient until the notification is handed to Kafka (or
 * given up). Inside it, OpenTelemetry's gRPC instrumentation makes each SayHello attempt a CLIENT span and sends the
 * W3C trace context in the call's metadata (the Greeter's SERVER span joins), and its kafka-clients instrumentation
 * makes each send a PRODUCER span ({@code <topic> publish}, ended by Kafka's acknowledgement) and puts the context in
 * the record's headers, where the Worker picks it up. A notification sent again after a failure gets a second
 * PRODUCER span in the same trace. The trace id is in the {@link Notification} and in the log lines about it (MDC
 * {@code trace_id}).
 */
public final class NotificationHost implements NotifierRole {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationHost.class);
    /** Codes worth retrying: the Greeter is down, slow or overloaded. Others mean the request itself is bad. */
    private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.UNKNOWN,
            Status.Code.INTERNAL, Status.Code.CANCELLED);
    /** From SIGTERM to exit, at most: inside Kubernetes' default grace period of 30 s. */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(20);
    /** The part of {@link #SHUTDOWN_BUDGET} that Greeter calls under way may take to become notifications. */
    private static final Duration GREETER_SHUTDOWN_BUDGET = Duration.ofSeconds(10);
    /** How often the host-kafka thread reads the topic's partition count again: a topic can grow. */
    private static final Duration PARTITIONS_READ_EVERY = Duration.ofSeconds(60);
    /** How often the pacer looks again while it holds back (backpressure). */
    private static final long HOLD_BACK_NANOS = 50_000_000L;

    private final NotifierConfig.Host config;
    private final String topic;
    private final String bootstrapServers;
    private final ManagedChannel channel;
    private final Map<String, Object> producerProps;
    private final KafkaSecurityFiles kafkaSecurity;
    /** The security of the current producer (for the words of its failures). */
    private volatile KafkaClientSecurity security = KafkaClientSecurity.NONE;
    private final MeterRegistry registry;
    private final Tracer tracer;
    /** Null when nothing is traced: the producer is not wrapped. */
    private final KafkaTelemetry kafkaTelemetry;
    private final ScheduledExecutorService retries;
    private final Semaphore inFlight;
    private final Thread pacer;
    private final Thread kafka;
    private volatile boolean running = true;
    /** Set when shutdown gives up on Kafka: the host-kafka thread stops. */
    private volatile boolean kafkaStopped;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The producer in use; {@link Link#NONE} until the first one is created. */
    private volatile Link link = Link.NONE;
    /** The topic's partition count as the host-kafka thread last read it; 0 before the first producer. */
    private volatile int partitionCount;
    /** The outbox: every notification numbered and not yet acknowledged, by sequence number. Guarded by itself. */
    private final TreeMap<Long, Pending> pending = new TreeMap<>();

    private final Counter sent;
    private final Counter sendFailures;
    private final Counter greeterCalls;
    private final Latency greeterLatency;
    /** Whether the last SayHello failed (no call succeeded since): the Host publishes nothing meanwhile. */
    private final AtomicBoolean greeterBlocked = new AtomicBoolean();
    private final AtomicReference<String> greeterProblem = new AtomicReference<>("no call to the Greeter yet");
    private final AtomicReference<String> kafkaProblem = new AtomicReference<>();
    private final AtomicInteger nextRecipient = new AtomicInteger();

    // Numbering and sending: guarded by "this"; sequence numbers are assigned, and records handed to the producer,
    // in one order.
    private long sequence;
    private final Map<Integer, Long> partitionSequences = new HashMap<>();

    /** One KafkaProducer. Once a send on it failed it is closed and replaced, never used again. */
    private record Link(Producer<String, byte[]> producer, AtomicBoolean failed) {
        /** Before the first producer: "failed", so that nothing is sent and the host-kafka thread creates one. */
        static final Link NONE = new Link(null, new AtomicBoolean(true));
    }

    /**
     * A notification handed to Kafka (or waiting to be) and not yet acknowledged.
     *
     * @param trace its {@code notify} span's context: every send of it is a PRODUCER span in that trace
     */
    private record Pending(long sequence, int partition, long partitionSequence, String key, byte[] value,
                           Context trace) {
        /** A new record for each send: a record once sent has read-only headers, and each send has its own span. */
        ProducerRecord<String, byte[]> record(String topic) {
            return new ProducerRecord<>(topic, partition, key, value);
        }
    }

    /** Untraced. */
    public NotificationHost(NotifierConfig config, MeterRegistry registry) {
        this(config, registry, OpenTelemetry.noop());
    }

    /**
     * @param openTelemetry where the notifications' spans go ({@code Tracing.init(...)}; {@link OpenTelemetry#noop()}
     *                      for none)
     */
    public NotificationHost(NotifierConfig config, MeterRegistry registry, OpenTelemetry openTelemetry) {
        this.config = config.host();
        this.topic = config.topic();
        this.bootstrapServers = config.bootstrapServers();
        this.kafkaSecurity = config.kafkaSecurity();
        this.registry = registry;
        this.tracer = openTelemetry.getTracer("dev.interactiondemo.notifier");
        boolean traced = Tracing.records(openTelemetry);
        this.kafkaTelemetry = traced ? KafkaTelemetry.create(openTelemetry) : null;
        var channelBuilder = Grpc.newChannelBuilder(this.config.greeterTarget(), InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("round_robin");
        if (traced) {
            channelBuilder.intercept(GrpcTelemetry.create(openTelemetry).createClientInterceptor());
        }
        this.channel = channelBuilder.build();
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
        this.retries = Executors.newSingleThreadScheduledExecutor(Threads.daemon("host-retries"));
        this.inFlight = new Semaphore(this.config.callMode() == NotifierConfig.CallMode.SYNC ? 1
                : this.config.maxInFlight());
        this.sent = Counter.builder("notifier.sent").description("notifications Kafka acknowledged")
                .register(registry);
        this.sendFailures = Counter.builder("notifier.send.failures")
                .description("sends Kafka did not take (after the producer's own retries); each is sent again")
                .register(registry);
        this.greeterCalls = Counter.builder("notifier.greeter.calls").description("SayHello calls made, retries included")
                .register(registry);
        for (Status.Code code : List.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED)) {
            greeterFailures(code); // the usual codes show from the start, at 0
        }
        this.greeterLatency = new Latency(registry, "notifier.greeter.latency", "latency of successful SayHello calls");
        Gauge.builder("notifier.greeter.blocked", greeterBlocked, b -> b.get() ? 1 : 0)
                .description("1 while the last SayHello failed and none succeeded since: the Host publishes nothing")
                .register(registry);
        registry.gauge("notifier.greeter.in.flight", inFlight,
                s -> (this.config.callMode() == NotifierConfig.CallMode.SYNC ? 1 : this.config.maxInFlight())
                        - s.availablePermits());
        Gauge.builder("notifier.pending", this, NotificationHost::pendingCount)
                .description("notifications waiting for Kafka's acknowledgement").register(registry);
        this.pacer = new Thread(this::pace, "host-pacer");
        this.kafka = new Thread(this::keepConnected, "host-kafka");
        this.kafka.setDaemon(true);
    }

    /** Starts publishing. */
    @Override
    public NotificationHost start() {
        LOG.info("Host {} publishing to topic {} at {}/s, call mode {}, Greeter at {}", config.producerId(), topic,
                config.rate(), config.callMode().name().toLowerCase(), config.greeterTarget());
        kafka.start();
        pacer.start();
        return this;
    }

    /** Empty when the Host can do its job; else why not (the Greeter or Kafka is failing). */
    @Override
    public Optional<String> notReadyReason() {
        String g = greeterProblem.get();
        String k = kafkaProblem.get();
        if (g == null && k == null) {
            return Optional.empty();
        }
        return Optional.of(g == null ? k : k == null ? g : g + "; " + k);
    }

    public String producerId() {
        return config.producerId();
    }

    /** Counts so far. */
    public Stats stats() {
        return new Stats((long) sent.count(), (long) sendFailures.count(), (long) greeterCalls.count(),
                greeterFailures(), greeterLatency.p50Millis(), greeterLatency.p99Millis(), pendingCount());
    }

    /**
     * The Host's counters; latencies in milliseconds.
     *
     * @param sent         notifications Kafka acknowledged (each once, however often it was sent)
     * @param sendFailures sends that failed, each followed by sending that notification again
     * @param pending      notifications waiting for Kafka's acknowledgement now
     */
    public record Stats(long sent, long sendFailures, long greeterCalls, long greeterFailures,
                        double greeterLatencyP50Ms, double greeterLatencyP99Ms, int pending) {
    }

    private int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    private long greeterFailures() {
        return (long) registry.find("notifier.greeter.failures").counters().stream().mapToDouble(Counter::count).sum();
    }

    private Counter greeterFailures(Status.Code code) {
        return Counter.builder("notifier.greeter.failures").description("failed SayHello calls, by status code")
                .tag("code", code.name()).register(registry);
    }

    private void pace() {
        long interval = (long) (1_000_000_000L / config.rate());
        long next = System.nanoTime();
        while (running) {
            // Backpressure: no new notification while Kafka takes none (its producer is being replaced) or while
            // maxPending of them wait for its acknowledgement.
            while (running && (link.failed().get() || pendingCount() >= config.maxPending())) {
                LockSupport.parkNanos(HOLD_BACK_NANOS);
            }
            if (!running) {
                break;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                if (!running) {
                    break;
                }
                if (System.nanoTime() < next) {
                    continue;
                }
            }
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                break;
            }
            String recipient = config.recipients().get(
                    Math.floorMod(nextRecipient.getAndIncrement(), config.recipients().size()));
            Context trace = Context.root().with(tracer.spanBuilder("notify " + recipient).setNoParent()
                    .setSpanKind(SpanKind.INTERNAL).setAttribute("notification.recipient", recipient).startSpan());
            if (config.callMode() == NotifierConfig.CallMode.SYNC) {
                greetBlocking(recipient, trace);
                inFlight.release();
            } else {
                greetAsync(recipient, new Backoff(config.retryBackoff(), config.retryBackoffMax()), trace);
            }
            next += interval;
            long now = System.nanoTime();
            if (next < now - interval) {
                next = now; // after a stall, carry on at the rate rather than bursting to catch up
            }
        }
    }

    /** Calls until greeted (then publishes), given up, or stopped; ends the notification's span either way. */
    private void greetBlocking(String recipient, Context trace) {
        Backoff backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
        while (running) {
            long start = System.nanoTime();
            greeterCalls.increment();
            HelloReply reply;
            try (Scope ignored = trace.makeCurrent()) { // the call's CLIENT span is a child of the notification's
                reply = GreeterGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(config.greeterDeadline().toMillis(), TimeUnit.MILLISECONDS)
                        .sayHello(HelloRequest.newBuilder().setName(recipient).build());
            } catch (StatusRuntimeException e) {
                if (!greeterFailed(recipient, e, trace)) {
                    return;
                }
                sleep(backoff.next());
                continue;
            }
            greeted(recipient, reply, System.nanoTime() - start, trace);
            return;
        }
        endTrace(trace, "stopped before the Greeter answered");
    }

    private void greetAsync(String recipient, Backoff backoff, Context trace) {
        if (!running) {
            endTrace(trace, "stopped before the Greeter answered");
            inFlight.release();
            return;
        }
        long start = System.nanoTime();
        greeterCalls.increment();
        ListenableFuture<HelloReply> call;
        try (Scope ignored = trace.makeCurrent()) { // the call's CLIENT span is a child of the notification's
            call = GreeterGrpc.newFutureStub(channel)
                    .withDeadlineAfter(config.greeterDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .sayHello(HelloRequest.newBuilder().setName(recipient).build());
        }
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(HelloReply reply) {
                try {
                    greeted(recipient, reply, System.nanoTime() - start, trace);
                } finally {
                    inFlight.release();
                }
            }

            @Override
            public void onFailure(Throwable t) {
                if (!running) {
                    endTrace(trace, "stopped before the Greeter answered");
                    inFlight.release();
                } else if (greeterFailed(recipient, t, trace)) {
                    retries.schedule(() -> greetAsync(recipient, backoff, trace), backoff.next().toMillis(),
                            TimeUnit.MILLISECONDS);
                } else {
                    inFlight.release();
                }
            }
        }, Runnable::run);
    }

    /** Counts a failed call; returns whether to retry it (if not, the notification's span ends here). */
    private boolean greeterFailed(String recipient, Throwable t, Context trace) {
        Status status = Status.fromThrowable(t);
        greeterFailures(status.getCode()).increment();
        greeterBlocked.set(true);
        boolean retry = RETRYABLE.contains(status.getCode());
        String problem = "greeter: " + status.getCode() + (status.getDescription() == null ? ""
                : " (" + status.getDescription() + ")");
        if (!problem.equals(greeterProblem.getAndSet(problem))) {
            try (TraceLog.Scope ignored = TraceLog.put(traceId(trace))) {
                LOG.warn("SayHello({}) failed: {}; {}", recipient, problem, retry ? "retrying with backoff"
                        : "giving up");
            }
        }
        if (!retry) {
            endTrace(trace, "the Greeter answered " + status.getCode() + ": nothing published");
        }
        return retry;
    }

    /** Greeted: publishes (unless shutdown gave up on Kafka), then ends the notification's span. */
    private void greeted(String recipient, HelloReply reply, long latencyNanos, Context trace) {
        greeterLatency.record(latencyNanos);
        greeterBlocked.set(false);
        if (greeterProblem.getAndSet(null) != null) {
            LOG.info("Greeter answering");
        }
        if (kafkaStopped) {
            endTrace(trace, "stopped: Kafka no longer taking notifications");
            return;
        }
        publish(recipient, reply.getMessage(), latencyNanos, trace);
        endTrace(trace, null);
    }

    private static String traceId(Context trace) {
        return TraceLog.traceId(Span.fromContext(trace).getSpanContext());
    }

    /** Ends a notification's span; {@code error} (else null) says why nothing was published. */
    private static void endTrace(Context trace, String error) {
        Span span = Span.fromContext(trace);
        if (error != null) {
            span.setStatus(StatusCode.ERROR, error);
        }
        span.end();
    }

    /**
     * Numbers a notification, puts it in the outbox and, unless the producer is being replaced, sends it. Never
     * blocks on Kafka: the partition count is the one the host-kafka thread read last.
     */
    private void publish(String recipient, String text, long latencyNanos, Context trace) {
        String traceId = traceId(trace);
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
            synchronized (pending) {
                pending.put(seq, p);
            }
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
        synchronized (pending) {
            if (pending.remove(p.sequence()) == null) {
                return; // acknowledged before: this was a second send of it
            }
            if (pending.isEmpty()) {
                pending.notifyAll(); // close() may wait for this
            }
        }
        sent.increment();
        if (kafkaProblem.getAndSet(null) != null) {
            LOG.info("Kafka accepting notifications again");
        }
    }

    /**
     * A send failed: the first failure on a producer closes it at once, from its callback, so that nothing sent
     * after this notification can reach Kafka before it; the host-kafka thread then replaces the producer.
     */
    private void sendFailed(Link l, Exception error) {
        sendFailures.increment();
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
            List<Pending> outbox;
            synchronized (pending) {
                outbox = List.copyOf(pending.values());
            }
            if (!outbox.isEmpty()) {
                LOG.info("Sending {} notifications again that Kafka did not acknowledge, in order", outbox.size());
            }
            link = fresh;
            for (Pending p : outbox) {
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
     * Stops calling the Greeter, lets calls under way become notifications (up to 10 s), waits for Kafka to
     * acknowledge what is pending (up to {@link #SHUTDOWN_BUDGET} in all), closes, and logs what Kafka did not
     * acknowledge.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        long deadline = System.nanoTime() + SHUTDOWN_BUDGET.toNanos();
        long greeterDeadline = System.nanoTime() + GREETER_SHUTDOWN_BUDGET.toNanos();
        running = false;
        LockSupport.unpark(pacer);
        try {
            pacer.join(millisUntil(greeterDeadline));
            int permits = config.callMode() == NotifierConfig.CallMode.SYNC ? 1 : config.maxInFlight();
            inFlight.tryAcquire(permits, millisUntil(greeterDeadline), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.shutdownNow();
        channel.shutdownNow(); // cancels calls still under way
        try {
            synchronized (pending) {
                while (!pending.isEmpty() && deadline - System.nanoTime() > 0) {
                    pending.wait(millisUntil(deadline)); // the host-kafka thread keeps sending again meanwhile
                }
            }
            kafkaStopped = true;
            kafka.interrupt(); // out of a wait for Kafka's metadata, if it is in one
            kafka.join(2_000);
        } catch (InterruptedException e) {
            kafkaStopped = true;
            Thread.currentThread().interrupt();
        }
        List<Pending> undelivered;
        synchronized (this) {
            synchronized (pending) {
                undelivered = List.copyOf(pending.values());
            }
            if (link.producer() != null) {
                link.producer().close(undelivered.isEmpty() ? Duration.ofMillis(millisUntil(deadline))
                        : Duration.ZERO);
            }
        }
        if (undelivered.isEmpty()) {
            LOG.info("Host {} stopped: {}", config.producerId(), stats());
        } else {
            LOG.warn("Host {} stopped: {}; Kafka did not acknowledge {} notifications, which may be lost: {}",
                    config.producerId(), stats(), undelivered.size(), describe(undelivered));
        }
    }

    /** E.g. {@code partition 0: 12 (#40-#51), partition 2: 3 (#17-#19)}. */
    private static String describe(List<Pending> notifications) {
        Map<Integer, List<Pending>> byPartition = new TreeMap<>();
        for (Pending p : notifications) {
            byPartition.computeIfAbsent(p.partition(), k -> new ArrayList<>()).add(p);
        }
        StringBuilder text = new StringBuilder();
        byPartition.forEach((partition, list) -> text.append(text.isEmpty() ? "" : ", ").append("partition ")
                .append(partition).append(": ").append(list.size()).append(" (#")
                .append(list.get(0).partitionSequence()).append("-#")
                .append(list.get(list.size() - 1).partitionSequence()).append(')'));
        return text.toString();
    }

    /** Milliseconds from now to a {@link System#nanoTime()} deadline; at least 1 (0 would mean "forever" to join). */
    private static long millisUntil(long deadlineNanos) {
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    private static void sleep(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

}
