package dev.interactiondemo.notifier;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 */
public final class NotificationHost implements NotifierRole {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationHost.class);
    /** Codes worth retrying: the Greeter is down, slow or overloaded. Others mean the request itself is bad. */
    private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.UNKNOWN,
            Status.Code.INTERNAL, Status.Code.CANCELLED);

    private final NotifierConfig.Host config;
    private final String topic;
    private final ManagedChannel channel;
    private final KafkaProducer<String, byte[]> producer;
    private final MeterRegistry registry;
    private final ScheduledExecutorService retries;
    private final Semaphore inFlight;
    private final Thread pacer;
    private volatile boolean running = true;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final Counter sent;
    private final Counter sendFailures;
    private final Counter greeterCalls;
    private final Timer greeterLatency;
    private final AtomicReference<String> greeterProblem = new AtomicReference<>("no call to the Greeter yet");
    private final AtomicReference<String> kafkaProblem = new AtomicReference<>();
    private final AtomicInteger nextRecipient = new AtomicInteger();

    // Numbering: guarded by "this"; sequence numbers are assigned in send order.
    private long sequence;
    private final Map<Integer, Long> partitionSequences = new HashMap<>();

    public NotificationHost(NotifierConfig config, MeterRegistry registry) {
        this.config = config.host();
        this.topic = config.topic();
        this.registry = registry;
        this.channel = Grpc.newChannelBuilder(this.config.greeterTarget(), InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("round_robin")
                .build();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, this.config.producerId());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "host-retries"));
        this.inFlight = new Semaphore(this.config.callMode() == NotifierConfig.CallMode.SYNC ? 1
                : this.config.maxInFlight());
        this.sent = Counter.builder("notifier.sent").description("notifications Kafka acknowledged")
                .register(registry);
        this.sendFailures = Counter.builder("notifier.send.failures")
                .description("notifications Kafka did not take (after the producer's own retries)").register(registry);
        this.greeterCalls = Counter.builder("notifier.greeter.calls").description("SayHello calls made, retries included")
                .register(registry);
        this.greeterLatency = Timer.builder("notifier.greeter.latency")
                .description("latency of successful SayHello calls")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        registry.gauge("notifier.greeter.in.flight", inFlight,
                s -> (this.config.callMode() == NotifierConfig.CallMode.SYNC ? 1 : this.config.maxInFlight())
                        - s.availablePermits());
        this.pacer = new Thread(this::pace, "host-pacer");
    }

    /** Starts publishing. */
    @Override
    public NotificationHost start() {
        LOG.info("Host {} publishing to topic {} at {}/s, call mode {}, Greeter at {}", config.producerId(), topic,
                config.rate(), config.callMode().name().toLowerCase(), config.greeterTarget());
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
                greeterFailures(), greeterLatency.percentile(0.5, TimeUnit.MILLISECONDS),
                greeterLatency.percentile(0.99, TimeUnit.MILLISECONDS));
    }

    /** The Host's counters; latencies in milliseconds. */
    public record Stats(long sent, long sendFailures, long greeterCalls, long greeterFailures,
                        double greeterLatencyP50Ms, double greeterLatencyP99Ms) {
    }

    private long greeterFailures() {
        return (long) registry.find("notifier.greeter.failures").counters().stream().mapToDouble(Counter::count).sum();
    }

    private void pace() {
        long interval = (long) (1_000_000_000L / config.rate());
        long next = System.nanoTime();
        while (running) {
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
            if (config.callMode() == NotifierConfig.CallMode.SYNC) {
                greetBlocking(recipient);
                inFlight.release();
            } else {
                greetAsync(recipient, new Backoff(config.retryBackoff(), config.retryBackoffMax()));
            }
            next += interval;
            long now = System.nanoTime();
            if (next < now - interval) {
                next = now; // after a stall, carry on at the rate rather than bursting to catch up
            }
        }
    }

    private void greetBlocking(String recipient) {
        Backoff backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
        while (running) {
            long start = System.nanoTime();
            greeterCalls.increment();
            try {
                HelloReply reply = GreeterGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(config.greeterDeadline().toMillis(), TimeUnit.MILLISECONDS)
                        .sayHello(HelloRequest.newBuilder().setName(recipient).build());
                greeted(recipient, reply, System.nanoTime() - start);
                return;
            } catch (StatusRuntimeException e) {
                if (!greeterFailed(recipient, e)) {
                    return;
                }
                sleep(backoff.next());
            }
        }
    }

    private void greetAsync(String recipient, Backoff backoff) {
        if (!running) {
            inFlight.release();
            return;
        }
        long start = System.nanoTime();
        greeterCalls.increment();
        Futures.addCallback(GreeterGrpc.newFutureStub(channel)
                .withDeadlineAfter(config.greeterDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .sayHello(HelloRequest.newBuilder().setName(recipient).build()), new FutureCallback<>() {
                    @Override
                    public void onSuccess(HelloReply reply) {
                        try {
                            greeted(recipient, reply, System.nanoTime() - start);
                        } finally {
                            inFlight.release();
                        }
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        if (running && greeterFailed(recipient, t)) {
                            retries.schedule(() -> greetAsync(recipient, backoff), backoff.next().toMillis(),
                                    TimeUnit.MILLISECONDS);
                        } else {
                            inFlight.release();
                        }
                    }
                }, Runnable::run);
    }

    /** Counts a failed call; returns whether to retry it. */
    private boolean greeterFailed(String recipient, Throwable t) {
        Status status = Status.fromThrowable(t);
        Counter.builder("notifier.greeter.failures").description("failed SayHello calls, by status code")
                .tag("code", status.getCode().name()).register(registry).increment();
        boolean retry = RETRYABLE.contains(status.getCode());
        String problem = "greeter: " + status.getCode() + (status.getDescription() == null ? ""
                : " (" + status.getDescription() + ")");
        if (!problem.equals(greeterProblem.getAndSet(problem))) {
            LOG.warn("SayHello({}) failed: {}; {}", recipient, problem, retry ? "retrying with backoff" : "giving up");
        }
        return retry;
    }

    private void greeted(String recipient, HelloReply reply, long latencyNanos) {
        greeterLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
        if (greeterProblem.getAndSet(null) != null) {
            LOG.info("Greeter answering");
        }
        Backoff backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
        while (true) {
            try {
                publish(recipient, reply.getMessage(), latencyNanos);
                return;
            } catch (RuntimeException e) {
                // Topic metadata unavailable or the producer's buffer stayed full: Kafka is down or the topic is missing.
                sendFailures.increment();
                noteKafkaProblem("kafka: " + e.getMessage());
                if (!running) {
                    return;
                }
                sleep(backoff.next());
            }
        }
    }

    private synchronized void publish(String recipient, String text, long latencyNanos) {
        int partitions = producer.partitionsFor(topic).size();
        int partition = Partitions.forKey(recipient, partitions);
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
                .build();
        try {
            producer.send(new ProducerRecord<>(topic, partition, recipient, n.toByteArray()), (metadata, error) -> {
                if (error == null) {
                    sent.increment();
                    if (kafkaProblem.getAndSet(null) != null) {
                        LOG.info("Kafka accepting notifications again");
                    }
                } else {
                    sendFailures.increment();
                    noteKafkaProblem("kafka: " + error.getMessage());
                }
            });
        } catch (RuntimeException e) {
            // Not handed to the producer: take the numbers back so the Worker sees no gap.
            sequence--;
            partitionSequences.merge(partition, -1L, Long::sum);
            throw e;
        }
    }

    private void noteKafkaProblem(String problem) {
        if (!problem.equals(kafkaProblem.getAndSet(problem))) {
            LOG.warn("Publishing failed: {}", problem);
        }
    }

    /** Stops calling, lets outstanding calls finish (up to 10 s), flushes the producer and closes. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        running = false;
        LockSupport.unpark(pacer);
        try {
            pacer.join(15_000);
            int permits = config.callMode() == NotifierConfig.CallMode.SYNC ? 1 : config.maxInFlight();
            inFlight.tryAcquire(permits, 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.shutdownNow();
        producer.flush();
        producer.close(Duration.ofSeconds(10));
        channel.shutdownNow();
        LOG.info("Host {} stopped: {}", config.producerId(), stats());
    }

    private static void sleep(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
