package dev.interactiondemo.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.concurrent.TimeUnit;

/**
 * The Worker's meters ({@code notifier.*}): what it consumed, delivered, saw twice or missing, could not read, the
 * injected failures and the fault switch, the end-to-end latency, the polls (how long a notification waited in Kafka
 * until one took it, how many one returned); and the {@link NotificationWorker.Stats} read from them.
 */
final class WorkerMeters {
    final Counter consumed;
    final Counter delivered;
    final Counter duplicates;
    final Counter lost;
    final Counter invalid;
    final Counter injectedFailures;
    final Latency endToEnd;
    private final Latency waitInKafka;
    private final DistributionSummary recordsPerPoll;

    WorkerMeters(MeterRegistry registry, WorkerFaults faults) {
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
        this.waitInKafka = new Latency(registry, "notifier.wait.in.kafka",
                "from the Host's send of a notification (its record's timestamp) to the poll that took it here");
        this.recordsPerPoll = DistributionSummary.builder("notifier.poll.records")
                .description("notifications a poll returned, polls that returned none not counted; p50 and max, recent")
                .publishPercentiles(0.5).register(registry);
    }

    /** A poll returned {@code records} notifications; a poll that returned none is not counted. */
    void polled(int records) {
        if (records > 0) {
            recordsPerPoll.record(records);
        }
    }

    /**
     * A record a poll returned at {@code polledAtMillis} (wall clock, as the records' timestamps) waited in Kafka
     * since its timestamp, the Host's send.
     */
    void waitedInKafka(ConsumerRecord<String, byte[]> record, long polledAtMillis) {
        if (record.timestamp() >= 0) { // a record without a timestamp has -1
            waitInKafka.record(TimeUnit.MILLISECONDS.toNanos(Math.max(0, polledAtMillis - record.timestamp())));
        }
    }

    /** Counts so far, with the producers the audit knows. */
    NotificationWorker.Stats stats(DeliveryAudit audit) {
        synchronized (audit) {
            return new NotificationWorker.Stats((long) consumed.count(), (long) duplicates.count(), (long) lost.count(),
                    (long) invalid.count(), audit.producers(), endToEnd.p50Millis(), endToEnd.p99Millis(),
                    (long) delivered.count(), (long) injectedFailures.count(), waitInKafka.p50Millis(),
                    waitInKafka.p99Millis(), recordsPerPoll.percentile(0.5), recordsPerPoll.max());
        }
    }
}
