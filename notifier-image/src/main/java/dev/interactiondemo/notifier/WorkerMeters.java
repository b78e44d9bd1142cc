package dev.interactiondemo.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Worker's meters ({@code notifier.*}): what it consumed, delivered, saw twice or missing, could not read, the
 * injected failures and the fault switch, the end-to-end latency; and the {@link NotificationWorker.Stats} read from
 * them.
 */
final class WorkerMeters {
    final Counter consumed;
    final Counter delivered;
    final Counter duplicates;
    final Counter lost;
    final Counter invalid;
    final Counter injectedFailures;
    final Latency endToEnd;

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
    }

    /** Counts so far, with the producers the audit knows. */
    NotificationWorker.Stats stats(DeliveryAudit audit) {
        synchronized (audit) {
            return new NotificationWorker.Stats((long) consumed.count(), (long) duplicates.count(), (long) lost.count(),
                    (long) invalid.count(), audit.producers(), endToEnd.p50Millis(), endToEnd.p99Millis(),
                    (long) delivered.count(), (long) injectedFailures.count());
        }
    }
}
