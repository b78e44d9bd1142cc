package dev.interactiondemo.probes;

import dev.interactiondemo.api.status.KafkaReading;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** Reads message counts from Kafka, the source of truth: end offsets, committed offsets, lag. */
public final class MessageCounter {
    private final Admin admin;
    private final Duration timeout;
    private final Clock clock;

    public MessageCounter(Admin admin, Duration timeout, Clock clock) {
        this.admin = admin;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * One reading for {@code topic} and consumer group {@code groupId}.
     *
     * @throws ProbeException with a readable message when Kafka can't be reached or the topic doesn't exist
     */
    public KafkaReading read(String topic, String groupId) {
        TopicDescription description = get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
                .get(topic);
        List<TopicPartition> partitions = description.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, ListOffsetsResultInfo> ends = get(admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all(), "read end offsets");
        Map<TopicPartition, ListOffsetsResultInfo> starts = get(admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.earliest()))).all(), "read start offsets");
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata(), "read offsets of group " + groupId);
        return count(clock.instant(), partitions, p -> ends.get(p).offset(), p -> starts.get(p).offset(), committed);
    }

    /**
     * The counts of one topic and group from offsets already read: produced = the sum of the end offsets, consumed =
     * the sum of the group's committed offsets, lag = what waits between the two (from the earliest record still
     * kept where the group has committed nothing). Pure: the operator's observers read offsets for many demos at
     * once and count each with this.
     */
    public static KafkaReading count(Instant at, List<TopicPartition> partitions, ToLongFunction<TopicPartition> end,
                                     ToLongFunction<TopicPartition> start, Map<TopicPartition, OffsetAndMetadata> committed) {
        long produced = 0;
        long consumed = 0;
        long lag = 0;
        for (TopicPartition p : partitions) {
            long e = end.applyAsLong(p);
            OffsetAndMetadata c = committed.get(p);
            // Without a commit, the group would start at the earliest record still kept.
            long position = c == null ? start.applyAsLong(p) : c.offset();
            produced += e;
            consumed += c == null ? 0 : c.offset();
            lag += Math.max(0, e - position);
        }
        return new KafkaReading(at, produced, consumed, lag);
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new ProbeException(ProbeException.Kind.TOPIC_MISSING, "topic does not exist (" + what + ")", cause);
            }
            throw new ProbeException(ProbeException.Kind.UNREACHABLE, "cannot " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new ProbeException(ProbeException.Kind.UNREACHABLE, "Kafka did not answer within "
                    + timeout.toMillis() + " ms (" + what + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeException(ProbeException.Kind.UNREACHABLE, "interrupted", e);
        }
    }
}
