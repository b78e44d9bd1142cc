package dev.interactiondemo.notifier;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Worker's delivery audit. Kafka keeps records in order within a partition, and the Host numbers its records
 * 1, 2, 3, ... per partition, so for every (producer, partition) the Worker expects the next number:
 * <ul>
 *   <li>the expected number: delivered once, as it should be;</li>
 *   <li>a smaller number: a duplicate (at-least-once redelivery, e.g. after a restart before a commit);</li>
 *   <li>a larger number: the numbers in between were lost.</li>
 * </ul>
 * A (producer, partition) seen for the first time starts the count where it is (earlier records may have gone to
 * another Worker of the group); when a
 * partition moves to another Worker, {@link #forget} drops its expectations so a later return does not look like
 * a loss. Not thread-safe: the Worker's poll loop is its only user.
 */
public final class DeliveryAudit {

    /** What one delivery was. */
    public enum Outcome { FIRST_DELIVERY, DUPLICATE, AFTER_GAP }

    private record Stream(String producerId, int partition) {
    }

    private final Map<Stream, Long> lastSeen = new HashMap<>();
    private final Set<String> producers = new HashSet<>();
    private long delivered;
    private long duplicates;
    private long lost;

    /** Records one delivery and says what it was; on a gap, {@link #lost()} grows by the numbers skipped. */
    public Outcome record(String producerId, int partition, long partitionSequence) {
        Objects.requireNonNull(producerId);
        producers.add(producerId);
        Stream s = new Stream(producerId, partition);
        Long last = lastSeen.get(s);
        long expected = last == null ? partitionSequence : last + 1;
        if (partitionSequence < expected) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        delivered++;
        lastSeen.put(s, partitionSequence);
        if (partitionSequence > expected) {
            lost += partitionSequence - expected;
            return Outcome.AFTER_GAP;
        }
        return Outcome.FIRST_DELIVERY;
    }

    /** Drops the expectations for partitions this Worker no longer owns. */
    public void forget(Collection<Integer> partitions) {
        lastSeen.keySet().removeIf(s -> partitions.contains(s.partition()));
    }

    /** Distinct notifications delivered (duplicates not counted). */
    public long delivered() {
        return delivered;
    }

    public long duplicates() {
        return duplicates;
    }

    /** Notifications skipped in some partition's sequence: published, never delivered. */
    public long lost() {
        return lost;
    }

    public int producers() {
        return producers.size();
    }
}
