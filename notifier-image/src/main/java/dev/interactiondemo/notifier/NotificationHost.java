package dev.interactiondemo.notifier;

import dev.interactiondemo.notification.Notification;
import dev.interactiondemo.notifier.NotificationOutbox.Pending;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *
 * <p>This class wires the parts and shuts them down in order: the {@link GreeterPacer} (the Greeter calls), the
 * {@link KafkaPublisher} (the producers and the {@link NotificationOutbox}), and the {@link HostMeters}.
 */
public final class NotificationHost implements NotifierRole {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationHost.class);
    /** From SIGTERM to exit, at most: inside Kubernetes' default grace period of 30 s. */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(20);
    /** The part of {@link #SHUTDOWN_BUDGET} that Greeter calls under way may take to become notifications. */
    private static final Duration GREETER_SHUTDOWN_BUDGET = Duration.ofSeconds(10);

    private final NotifierConfig.Host config;
    private final String topic;
    private final HostMeters meters;
    private final KafkaPublisher publisher;
    private final GreeterPacer pacer;
    private final AtomicBoolean closed = new AtomicBoolean();

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
        NotificationOutbox outbox = new NotificationOutbox();
        int callPermits = GreeterPacer.callPermits(this.config);
        Semaphore inFlight = new Semaphore(callPermits);
        this.meters = new HostMeters(registry, inFlight, callPermits, outbox);
        this.publisher = new KafkaPublisher(config, openTelemetry, outbox, meters);
        this.pacer = new GreeterPacer(this.config, openTelemetry, inFlight, meters, publisher);
    }

    /** Starts publishing. */
    @Override
    public NotificationHost start() {
        LOG.info("Host {} publishing to topic {} at {}/s, call mode {}, Greeter at {}", config.producerId(), topic,
                config.rate(), config.callMode().name().toLowerCase(), config.greeterTarget());
        publisher.start();
        pacer.start();
        return this;
    }

    /** Empty when the Host can do its job; else why not (the Greeter or Kafka is failing). */
    @Override
    public Optional<String> notReadyReason() {
        String g = pacer.problem();
        String k = publisher.problem();
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
        return meters.stats();
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
        pacer.stop(greeterDeadline);
        List<Pending> undelivered = publisher.close(deadline);
        if (undelivered.isEmpty()) {
            LOG.info("Host {} stopped: {}", config.producerId(), stats());
        } else {
            LOG.warn("Host {} stopped: {}; Kafka did not acknowledge {} notifications, which may be lost: {}",
                    config.producerId(), stats(), undelivered.size(), NotificationOutbox.describe(undelivered));
        }
    }

    /** Milliseconds from now to a {@link System#nanoTime()} deadline; at least 1 (0 would mean "forever" to join). */
    static long millisUntil(long deadlineNanos) {
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }
}
