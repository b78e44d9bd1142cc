package dev.interactiondemo.notifier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Worker's offsets: per partition owned, the offset after the last record processed, and its commits. After a
 * poll, asynchronously, at most every {@link #COMMIT_EVERY} while records keep coming and at once after a poll that
 * returns none; synchronously when partitions are revoked and on shutdown. Each commit carries, as its metadata, the
 * {@link DeliveryAudit}'s memory of the partition ({@link AuditMemory}). When partitions go, the audit forgets them,
 * except after an injected failure (no commit): then the next assignments decide what the audit keeps. Each partition
 * assigned takes in its committed offset's memory: a new Worker, another Worker's partition or a group moved back go
 * on counting where the commit left off. Poll thread only.
 */
final class ProcessedOffsets {
    /** Logs as the Worker: its lines keep their logger name. */
    private static final Logger LOG = LoggerFactory.getLogger(NotificationWorker.class);
    /**
     * The least time between two asynchronous commits while records keep coming: a commit per poll (up to 500
     * records) kept one in flight behind every fetch. A poll that returns nothing commits at once.
     */
    static final Duration COMMIT_EVERY = Duration.ofMillis(100);

    private final DeliveryAudit audit;
    /** Per partition owned, the offset after the last record processed. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    /** Whether {@link #processed} moved since the last commit. */
    private boolean uncommitted;
    /** When the last asynchronous commit was sent (System.nanoTime). */
    private long lastCommitNanos;
    /** True while the consumer is closed after an injected failure: no commit, and the audit keeps its partitions. */
    private boolean failing;
    /**
     * Per partition the audit has expectations for, the offset they reach: after the last record processed, or the
     * commit whose memory it took in. Only after an injected failure does it hold a partition not assigned.
     */
    private final Map<TopicPartition, Long> auditedUpTo = new HashMap<>();

    ProcessedOffsets(DeliveryAudit audit) {
        this.audit = audit;
    }

    /**
     * A poll's records of {@code partition} are processed up to {@code next} (the offset after the last): the
     * offset to commit, with what the audit has seen of the partition up to there.
     */
    void processedUpTo(TopicPartition partition, long next) {
        String memory;
        synchronized (audit) {
            memory = AuditMemory.encode(audit.lastSequences(partition.partition()));
        }
        processed.put(partition, new OffsetAndMetadata(next, memory));
        auditedUpTo.put(partition, next);
        uncommitted = true;
    }

    /**
     * Commits on revoke, so that the partitions' next owner starts right after what was processed here; except while
     * failing on purpose, when neither a commit nor forgetting the audit's expectations would show the lesson.
     */
    ConsumerRebalanceListener rebalanceListener(Consumer<String, byte[]> consumer) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (failing) {
                    LOG.info("Partitions given up without a commit (injected fault): {}", partitions);
                    return;
                }
                commitSync(consumer);
                giveUp(partitions);
                LOG.info("Partitions revoked: {}", partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // No longer a member (e.g. after a session timeout): a commit would be refused. The next owner starts
                // at the last commit and delivers what came after it again.
                if (!failing) {
                    giveUp(partitions);
                }
                LOG.warn("Partitions lost: {}", partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                LOG.info("Partitions assigned: {}", partitions);
                Map<TopicPartition, OffsetAndMetadata> committed = committed(consumer, partitions);
                forgetWhatIsNotAssigned(consumer.assignment());
                takeInCommits(committed, partitions);
            }

            private void giveUp(Collection<TopicPartition> partitions) {
                processed.keySet().removeAll(partitions);
                forget(partitions);
            }
        };
    }

    private void forget(Collection<TopicPartition> partitions) {
        synchronized (audit) {
            audit.forget(partitions.stream().map(TopicPartition::partition).toList());
        }
        auditedUpTo.keySet().removeAll(partitions);
    }

    /** The committed offsets of the partitions assigned; null when Kafka could not say. */
    private static Map<TopicPartition, OffsetAndMetadata> committed(Consumer<String, byte[]> consumer,
                                                                    Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            return Map.of();
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
            return committed == null ? Map.of() : committed;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Could not read the committed offsets ({}); the audit starts afresh on its partitions",
                    e.toString());
            return null;
        }
    }

    /**
     * Forgets the expectations kept, at an injected failure, for partitions the consumer does not own now: another
     * Worker processes them meanwhile, and when one comes back its commit says where to go on.
     */
    private void forgetWhatIsNotAssigned(Set<TopicPartition> assignment) {
        List<TopicPartition> gone = auditedUpTo.keySet().stream().filter(p -> !assignment.contains(p)).toList();
        if (!gone.isEmpty()) {
            forget(gone);
        }
    }

    /**
     * Each partition assigned, against its committed offset (its metadata read once). Expectations the audit already
     * has for it (kept at an injected failure) are forgotten when Kafka could not say what was committed
     * ({@code committed} null), or when the commit went beyond them without a memory to say how far, so that no gap
     * shows where there is none. Then the audit takes in the commit's memory: per producer, the further of the
     * number remembered and its own.
     */
    private void takeInCommits(Map<TopicPartition, OffsetAndMetadata> committed,
                               Collection<TopicPartition> assigned) {
        List<String> taken = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata c = committed == null ? null : committed.get(partition);
            Map<String, Long> memory = c == null ? null : memory(partition, c);
            Long upTo = auditedUpTo.get(partition);
            if (upTo != null && (committed == null || (c != null && c.offset() > upTo && memory == null))) {
                forget(List.of(partition));
            }
            if (memory == null) {
                continue;
            }
            synchronized (audit) {
                if (audit.remember(partition.partition(), memory)) {
                    taken.add(partition.partition() + " at offset " + c.offset() + " " + memory);
                }
            }
            auditedUpTo.merge(partition, c.offset(), Math::max);
        }
        if (!taken.isEmpty()) {
            LOG.info("Audit goes on from the group's commits: {}", String.join("; ", taken));
        }
    }

    /** What a committed offset's metadata remembers; null when none (or unreadable: the audit starts afresh). */
    private static Map<String, Long> memory(TopicPartition partition, OffsetAndMetadata c) {
        try {
            return AuditMemory.decode(c.metadata()).filter(m -> !m.isEmpty()).orElse(null);
        } catch (IllegalArgumentException e) {
            LOG.warn("Partition {}: the committed offset's metadata is not readable, the audit starts afresh: {}",
                    partition, e.getMessage());
            return null;
        }
    }

    /**
     * The injected fault fired: what was processed is not committed, and the audit keeps its expectations for the
     * next consumer's assignments; until this consumer is closed, its partitions go without a commit.
     */
    void failBeforeCommit() {
        processed.clear();
        uncommitted = false;
        failing = true;
    }

    /** The consumer is closed: the next one commits again. */
    void consumerClosed() {
        failing = false;
    }

    /** After a poll that returned {@code batch} records: commits without waiting, if due. */
    void afterPoll(Consumer<String, byte[]> consumer, int batch) {
        if (batch == 0 || System.nanoTime() - lastCommitNanos >= COMMIT_EVERY.toNanos()) {
            commitAsync(consumer);
        }
    }

    /**
     * After a poll (at most every {@link #COMMIT_EVERY} while records keep coming): commits what was processed without
     * waiting; a failed commit is made again after the next poll.
     */
    private void commitAsync(Consumer<String, byte[]> consumer) {
        if (!uncommitted) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        consumer.commitAsync(Map.copyOf(processed), (offsets, error) -> {
            if (error != null) {
                // Kafka runs this callback on the poll thread: the next loop commits again, records or not, so the
                // last batch before a quiet spell is not left uncommitted (its lag would never reach 0).
                uncommitted = true;
                LOG.warn("Commit failed; committing again after the next poll: {}", error.toString());
            }
        });
        uncommitted = false;
    }

    /** On revoke and on shutdown: commits what was processed and waits for Kafka's answer. */
    void commitSync(Consumer<String, byte[]> consumer) {
        if (processed.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(processed);
        } catch (WakeupException e) {
            consumer.commitSync(processed); // the wakeup came from close(); commit what was done, then stop
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Commit failed; notifications processed since the last commit will be delivered again: {}",
                    e.toString());
        }
        uncommitted = false;
    }
}
