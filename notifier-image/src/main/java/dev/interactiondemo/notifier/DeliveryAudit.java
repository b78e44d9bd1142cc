package dev.interactiondemo.notifier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 * a loss. The audit's memory of a partition ({@link #lastSequences}) goes with the group's committed offset
 * ({@link AuditMemory}), and whoever gets the partition next {@link #remember takes it in}: a restarted
 * Worker, or the Workers after their group was moved back, go on counting where the commit left off. Not
 * thread-safe: the Worker's poll loop is its only user.
 */
public final class DeliveryAudit {

    /** What one delivery was. */
    public enum Outcome { FIRST_DELIVERY, DUPLICATE, AFTER_GAP }

    private record Stream(String producerId, int partition) {
    }

    private static final class Expectation {
        long last;
        long touched;

        Expectation(long last, long touched) {
            this.last = last;
            this.touched = touched;
        }
    }

    /** Per (producer, partition), the last number seen and when (by {@link #clock}). */
    private final Map<Stream, Expectation> lastSeen = new HashMap<>();
    /** Counts the records seen: a stream's {@link Expectation#touched} orders the producers by recency. */
    private long clock;
    private final Set<String> producers = new HashSet<>();
    private long delivered;
    private long duplicates;
    private long lost;

    /** Records one delivery and says what it was; on a gap, {@link #lost()} grows by the numbers skipped. */
    public Outcome record(String producerId, int partition, long partitionSequence) {
        Objects.requireNonNull(producerId);
        producers.add(producerId);
        Stream s = new Stream(producerId, partition);
        Expectation e = lastSeen.get(s);
        long expected = e == null ? partitionSequence : e.last + 1;
        clock++;
        if (e != null) {
            e.touched = clock;
        }
        if (partitionSequence < expected) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        delivered++;
        if (e == null) {
            lastSeen.put(s, new Expectation(partitionSequence, clock));
        } else {
            e.last = partitionSequence;
        }
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

    /** Per producer, the last number seen in {@code partition}, the most recently seen producer first. */
    public Map<String, Long> lastSequences(int partition) {
        Map<String, Long> m = new LinkedHashMap<>();
        lastSeen.entrySet().stream().filter(e -> e.getKey().partition() == partition)
                .sorted(Comparator.comparingLong((Map.Entry<Stream, Expectation> e) -> e.getValue().touched).reversed())
                .forEach(e -> m.put(e.getKey().producerId(), e.getValue().last));
        return m;
    }

    /**
     * Takes in what the group's commit remembers of {@code partition} ({@link #lastSequences} where it was
     * committed): per producer, the larger of the number it remembers and the audit's own. Its own is larger when
     * this Worker processed beyond the commit (an injected failure): what Kafka delivers again is a duplicate. The
     * memory's is larger when another Worker processed further meanwhile: its next number is a delivery, not a gap.
     *
     * @return whether the audit took anything from it
     */
    public boolean remember(int partition, Map<String, Long> lastSequences) {
        boolean took = false;
        List<Map.Entry<String, Long>> oldestFirst = new ArrayList<>(lastSequences.entrySet());
        Collections.reverse(oldestFirst);
        for (Map.Entry<String, Long> e : oldestFirst) {
            Stream s = new Stream(e.getKey(), partition);
            Expectation own = lastSeen.get(s);
            if (own == null) {
                lastSeen.put(s, new Expectation(e.getValue(), ++clock));
                took = true;
            } else if (e.getValue() > own.last) {
                own.last = e.getValue();
                took = true;
            }
        }
        return took;
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
