package dev.interactiondemo.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The notification Worker (consumer). It pulls notifications in a consumer group, processes each (with an optional
 * artificial delay), and commits offsets only after processing: at-least-once delivery. Every delivery goes through
 * the {@link DeliveryAudit}, which counts duplicates and losses.
 *
 * <p>Commits: after a poll, asynchronously ({@code commitAsync}: the loop does not wait for Kafka, and a commit
 * that fails is covered by the next one), at most every {@link ProcessedOffsets#COMMIT_EVERY} while records keep
 * coming and at once after a poll that returns none; synchronously when partitions are revoked, so that their next
 * owner starts right after what was processed here, and on shutdown. A Worker killed between two commits leaves its
 * last notifications to be delivered again: duplicates, never a loss. Its consumer is created only once the
 * bootstrap address answers as Kafka ({@link KafkaGate}).
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
 *
 * <p>This class wires the parts: the {@link WorkerPollLoop} (the consumers and the poll thread), which processes
 * records with the {@link NotificationProcessor} and commits through {@link ProcessedOffsets}, and the
 * {@link WorkerMeters}.
 */
public final class NotificationWorker implements NotifierRole {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);
    /** The exit status of a Worker program after an injected failure ({@link OnInjectedFailure#EXIT}). */
    public static final int INJECTED_FAILURE_EXIT_STATUS = 3;
    /** How long an embedded Worker waits, after an injected failure, before it creates a new consumer. */
    public static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

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
    private final DeliveryAudit audit;
    private final WorkerFaults faults;
    private final WorkerMeters meters;
    private final WorkerPollLoop loop;
    private volatile boolean started;

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
        this.meters = new WorkerMeters(registry, faults);
        this.loop = new WorkerPollLoop(config, openTelemetry, audit, faults, onInjectedFailure, meters);
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

    /** Empty when connected to Kafka and the topic exists; else why not. */
    @Override
    public Optional<String> notReadyReason() {
        return Optional.ofNullable(loop.problem());
    }

    public Stats stats() {
        return meters.stats(audit);
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
     * @param waitInKafkaP50Ms  from the Host's send to the poll that took a notification, recent median
     * @param recordsPerPollP50 notifications per poll that returned some, recent median
     * @param recordsPerPollMax the most one poll returned, recently
     */
    public record Stats(long consumed, long duplicates, long lost, long invalid, int producers,
                        double endToEndP50Ms, double endToEndP99Ms, long delivered, long injectedFailures,
                        double waitInKafkaP50Ms, double waitInKafkaP99Ms, double recordsPerPollP50,
                        double recordsPerPollMax) {
    }

    /** Stops polling (or waiting for Kafka), commits what was processed and leaves the group. */
    @Override
    public void close() {
        loop.stop(); // no consumer to wake up before start()
        if (!started) {
            return;
        }
        try {
            if (!loop.awaitStopped(30, TimeUnit.SECONDS)) {
                LOG.warn("Worker did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Worker stopped: {}", stats());
    }
}
