package dev.interactiondemo.notifier;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.interactiondemo.notification.Notification;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * The Worker's processing of one record: reads it as a {@link Notification} (else skips it as invalid), waits the
 * configured processing delay, passes it through the {@link DeliveryAudit} and counts the outcome and the end-to-end
 * latency in the {@link WorkerMeters}.
 */
final class NotificationProcessor {
    /** Logs as the Worker: its lines keep their logger name. */
    private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);

    private final Duration processingDelay;
    private final DeliveryAudit audit;
    private final WorkerMeters meters;

    NotificationProcessor(Duration processingDelay, DeliveryAudit audit, WorkerMeters meters) {
        this.processingDelay = processingDelay;
        this.audit = audit;
        this.meters = meters;
    }

    void process(ConsumerRecord<String, byte[]> record) {
        Notification n;
        try {
            n = Notification.parseFrom(record.value() == null ? new byte[0] : record.value());
        } catch (InvalidProtocolBufferException e) {
            n = null;
        }
        Span span = Span.current(); // the record's CONSUMER span, when traced
        if (n == null || n.getProducerId().isEmpty()) {
            meters.invalid.increment();
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
        if (!processingDelay.isZero()) {
            try {
                Thread.sleep(processingDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (audit) {
            DeliveryAudit.Outcome outcome = audit.record(n.getProducerId(), record.partition(), n.getPartitionSequence());
            meters.consumed.increment();
            span.setAttribute("notification.id", n.getId());
            span.setAttribute("notification.delivery", outcome.name());
            switch (outcome) {
                case DUPLICATE -> meters.duplicates.increment();
                case AFTER_GAP -> {
                    meters.delivered.increment();
                    double before = meters.lost.count();
                    meters.lost.increment(audit.lost() - before);
                    LOG.warn("Gap before {} #{} in partition {}: {} lost in all", n.getProducerId(),
                            n.getPartitionSequence(), record.partition(), audit.lost());
                }
                default -> meters.delivered.increment();
            }
        }
        if (LOG.isDebugEnabled()) { // no boxing for a line that is not written
            LOG.debug("Processed {} #{} from partition {} at offset {}", n.getProducerId(), n.getPartitionSequence(),
                    record.partition(), record.offset());
        }
        long nanos = Duration.between(ProtoTime.instant(n.getCreatedAt()), Instant.now()).toNanos();
        meters.endToEnd.record(Math.max(0, nanos));
    }
}
