package dev.interactiondemo.notifier;

import io.opentelemetry.context.Context;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Host's outbox: every notification numbered and not yet acknowledged by Kafka, by sequence number, so that it
 * can be sent again, in order, after a failure, and said lost at shutdown. Thread-safe.
 */
final class NotificationOutbox {
    /** By sequence number. Guarded by itself. */
    private final TreeMap<Long, Pending> pending = new TreeMap<>();

    /**
     * A notification handed to Kafka (or waiting to be) and not yet acknowledged.
     *
     * @param trace its {@code notify} span's context: every send of it is a PRODUCER span in that trace
     */
    record Pending(long sequence, int partition, long partitionSequence, String key, byte[] value, Context trace) {
        /** A new record for each send: a record once sent has read-only headers, and each send has its own span. */
        ProducerRecord<String, byte[]> record(String topic) {
            return new ProducerRecord<>(topic, partition, key, value);
        }
    }

    void add(Pending p) {
        synchronized (pending) {
            pending.put(p.sequence(), p);
        }
    }

    /** Takes an acknowledged notification out; false when it was out already (this was a second send of it). */
    boolean acknowledged(Pending p) {
        synchronized (pending) {
            if (pending.remove(p.sequence()) == null) {
                return false;
            }
            if (pending.isEmpty()) {
                pending.notifyAll(); // awaitEmpty() may wait for this
            }
            return true;
        }
    }

    /** What is pending now, in sequence order. */
    List<Pending> inOrder() {
        synchronized (pending) {
            return List.copyOf(pending.values());
        }
    }

    int size() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Waits until nothing is pending or a {@link System#nanoTime()} deadline passed. */
    void awaitEmpty(long deadlineNanos) throws InterruptedException {
        synchronized (pending) {
            while (!pending.isEmpty() && deadlineNanos - System.nanoTime() > 0) {
                pending.wait(NotificationHost.millisUntil(deadlineNanos));
            }
        }
    }

    /** E.g. {@code partition 0: 12 (#40-#51), partition 2: 3 (#17-#19)}. */
    static String describe(List<Pending> notifications) {
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
}
