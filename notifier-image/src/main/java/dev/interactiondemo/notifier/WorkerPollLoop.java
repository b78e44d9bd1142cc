package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Tracing;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.notifier.NotificationWorker.OnInjectedFailure;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Worker's {@code worker-poll} thread: a consumer once the bootstrap address answers as Kafka ({@link KafkaGate}),
 * polling, processing each record ({@link NotificationProcessor}) and committing ({@link ProcessedOffsets}) until
 * the Worker stops; a new consumer after the injected fault ({@link WorkerFaults}) or a failure. It also keeps the
 * reason the Worker is not ready.
 */
final class WorkerPollLoop {
    /** Logs as the Worker: its lines keep their logger name. */
    private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);
    private static final Duration CONNECTIVITY_CHECK_EVERY = Duration.ofSeconds(5);
    /** The longest pause between consumers while they keep failing (e.g. a refused login). */
    static final Duration FAILED_RECONNECT_MAX = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> consumerProps;
    private final KafkaSecurityFiles kafkaSecurity;
    private final String bootstrapServers;
    /** Null when nothing is traced: the consumer is not wrapped. */
    private final KafkaTelemetry kafkaTelemetry;
    private final WorkerFaults faults;
    private final OnInjectedFailure onInjectedFailure;
    private final WorkerMeters meters;
    private final NotificationProcessor processor;
    private final ProcessedOffsets offsets;
    /** Whether the current consumer polled at least once (a failure after that starts the back-off afresh). */
    private volatile boolean polled;
    /** Created by the poll thread once the bootstrap address answers as Kafka; null before and between two. */
    private volatile Consumer<String, byte[]> consumer;
    private final Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private final AtomicReference<String> problem = new AtomicReference<>("not connected to Kafka yet");

    /** How a consumer's life ended. */
    private enum Ended {
        /** The Worker stops. */
        STOPPED,
        /** The injected fault closed the consumer without a commit. */
        INJECTED,
        /** The consumer failed (say, Kafka refused its login or an ACL is missing): a new one after a pause. */
        FAILED
    }

    WorkerPollLoop(NotifierConfig config, OpenTelemetry openTelemetry, DeliveryAudit audit, WorkerFaults faults,
                   OnInjectedFailure onInjectedFailure, WorkerMeters meters) {
        NotifierConfig.Worker worker = config.worker();
        this.topic = config.topic();
        this.faults = faults;
        this.onInjectedFailure = onInjectedFailure;
        this.meters = meters;
        this.processor = new NotificationProcessor(worker.processingDelay(), audit, meters);
        this.offsets = new ProcessedOffsets(audit);
        this.kafkaTelemetry = Tracing.records(openTelemetry) ? KafkaTelemetry.create(openTelemetry) : null;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, worker.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, NotificationWorker.maxPollRecords(worker.processingDelay()));
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.consumerProps = Map.copyOf(props); // the consumer itself is created by the poll thread
        this.bootstrapServers = config.bootstrapServers();
        this.kafkaSecurity = config.kafkaSecurity();
        this.loop = new Thread(this::run, "worker-poll");
    }

    void start() {
        loop.start();
    }

    /** Why the Worker is not ready; null when connected to Kafka and the topic exists. */
    String problem() {
        return problem.get();
    }

    /** Stops polling (or waiting for Kafka): wakes the consumer out of a poll, if there is one. */
    void stop() {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // else the poll thread sees running = false before it polls
        }
    }

    /** Waits for the poll thread to end (after {@link #stop()}); false if it did not within the timeout. */
    boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
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
                                    NotificationWorker.INJECTED_FAILURE_EXIT_STATUS);
                            stopped.countDown(); // the shutdown hook's close() need not wait for this thread
                            System.exit(NotificationWorker.INJECTED_FAILURE_EXIT_STATUS);
                        }
                        backoff.reset();
                        KafkaGate.pause(NotificationWorker.RECONNECT_PAUSE, () -> running);
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
     * One consumer's life: polls and processes until the Worker stops (the consumer commits what was processed and
     * leaves its group), the injected fault fires after a batch (the consumer leaves without a commit), or the
     * consumer fails.
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
            c.subscribe(List.of(topic), offsets.rebalanceListener(c));
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
                offsets.afterPoll(c, batch);
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
                    offsets.commitSync(c);
                }
            } catch (WakeupException e) {
                // commitSync committed again before rethrowing it: we are stopping anyway
            } finally {
                try {
                    // Leaves the group at once (no wait for a session timeout). Closing revokes the partitions, and
                    // the rebalance listener commits through this consumer: so it is cleared only afterwards.
                    c.close(Duration.ofSeconds(10));
                } finally {
                    consumer = null;
                    offsets.consumerClosed();
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
        long polledAt = System.currentTimeMillis();
        // Counted, not iterated: with tracing, iterating the records starts and ends their spans.
        meters.polled(records.count());
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
                    meters.waitedInKafka(record, polledAt);
                    processor.process(record);
                    next = record.offset() + 1;
                    count++;
                }
            } finally {
                if (next >= 0) { // what was processed of this partition, once per poll rather than per record
                    offsets.processedUpTo(partition, next);
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
        meters.injectedFailures.increment();
        LOG.warn("injected fault: failing before commit after {} records", records);
        offsets.failBeforeCommit();
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
}
