package dev.interactiondemo.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Moves a consumer group's committed offsets on a topic back, so its consumers process those records again: the
 * replay lesson. Kafka allows it only while the group has no member.
 */
public final class GroupRewind {

    private GroupRewind() {
    }

    /** Whether the group has no member now (an unknown group has none). */
    public static boolean empty(Admin admin, String group, Duration timeout) throws Exception {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return d.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return true; // Kafka 4 answers "not found" for a group it never had: no member either
            }
            throw e;
        }
    }

    /**
     * Moves the group's committed offset of each partition of the topic back by {@code perPartition} (not below the
     * partition's start), keeping each commit's metadata as it was.
     *
     * @return how many records the group will process again, in all
     * @throws IllegalStateException when the group has members (Kafka refuses to move a live group's offsets)
     */
    public static long rewind(Admin admin, String group, String topic, long perPartition, Duration timeout)
            throws Exception {
        if (!empty(admin, group, timeout)) {
            throw new IllegalStateException("the consumer group " + group + " has members: stop its consumers first");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> starts = new HashMap<>();
        committed.keySet().stream().filter(tp -> tp.topic().equals(topic))
                .forEach(tp -> starts.put(tp, OffsetSpec.earliest()));
        if (starts.isEmpty()) {
            return 0;
        }
        var earliest = admin.listOffsets(starts).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
        long total = 0;
        for (TopicPartition tp : starts.keySet()) {
            OffsetAndMetadata at = committed.get(tp);
            if (at == null) {
                continue;
            }
            long to = Math.max(earliest.get(tp).offset(), at.offset() - perPartition);
            total += at.offset() - to;
            // The metadata stays: a consumer that keeps there what it had seen up to the commit (the Workers'
            // delivery audit) sees the records moved back as seen already.
            moved.put(tp, new OffsetAndMetadata(to, at.metadata()));
        }
        admin.alterConsumerGroupOffsets(group, moved).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return total;
    }
}
