package dev.interactiondemo.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads message counts from Kafka, the source of truth: end offsets, the consumer groups' committed offsets, lag.
 * One reader serves one topic (the sandbox) and the topics of many demos at once (an operator observer's round): the
 * reads are batched, whatever the number of topics and groups, into one describe of the topics, one listing of end
 * offsets, one of start offsets, one of the committed offsets of all the groups and (for {@link #readAll}) one
 * describe of the groups.
 */
public final class OffsetReader {
    private final Admin admin;
    private final Duration timeout;
    private final Clock clock;

    /** What to read: a topic and the consumer group that reads it. */
    public record Subject(String topic, String groupId) {
    }

    /**
     * One partition of a topic as a group reads it.
     *
     * @param committed the group's committed offset, 0 when it has committed none
     * @param lag       records waiting for the group: from its commit, or without one from the earliest record kept
     */
    public record PartitionOffsets(int partition, long end, long committed, long lag) {
    }

    /** A member of a consumer group and the partitions of the read topic it holds, in order. */
    public record GroupMember(String clientId, String host, List<Integer> partitions) {
    }

    /**
     * What was read of one subject: the counts, per partition (in partition order) and the group's members (by
     * client id); or, when its topic does not exist, only {@code missing}.
     *
     * @param missing why there is no reading ("topic ... does not exist"), or null when there is one
     */
    public record TopicReading(KafkaReading reading, List<PartitionOffsets> partitions, List<GroupMember> members,
                               String missing) {
        static TopicReading missing(String message) {
            return new TopicReading(null, List.of(), List.of(), message);
        }
    }

    /** @param timeout how long each batched call may take before Kafka counts as unreachable */
    public OffsetReader(Admin admin, Duration timeout, Clock clock) {
        this.admin = admin;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * One reading for {@code topic} and consumer group {@code groupId}.
     *
     * @throws KafkaReadException with a readable message when Kafka can't be reached or the topic doesn't exist
     */
    public KafkaReading read(String topic, String groupId) {
        TopicReading r = read(Map.of(topic, new Subject(topic, groupId)), false).get(topic);
        if (r.missing() != null) {
            throw new KafkaReadException(KafkaReadException.Kind.TOPIC_MISSING, "topic does not exist (describe topic "
                    + topic + ")", null);
        }
        return r.reading();
    }

    /**
     * The readings of many subjects in one batch of calls, with each group's members.
     *
     * @return per key, what was read; a subject whose topic does not exist is {@link TopicReading#missing() missing}
     * @throws KafkaReadException when a batched call fails (Kafka unreachable, a request refused); the cause is
     *                            Kafka's own exception, for the caller to classify
     */
    public <K> Map<K, TopicReading> readAll(Map<K, Subject> subjects) {
        return read(subjects, true);
    }

    private <K> Map<K, TopicReading> read(Map<K, Subject> subjects, boolean withMembers) {
        Map<K, TopicReading> result = new LinkedHashMap<>();
        if (subjects.isEmpty()) {
            return result;
        }
        Set<String> names = subjects.values().stream().map(Subject::topic).collect(Collectors.toCollection(TreeSet::new));
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        Map<String, String> missing = new HashMap<>();
        for (String name : names) {
            try {
                partitions.put(name, get(described.get(name), "describe topic " + name).partitions().stream()
                        .map(p -> new TopicPartition(name, p.partition())).toList());
            } catch (KafkaReadException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                missing.put(name, "topic " + name + " does not exist");
            }
        }
        List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(all, OffsetSpec.latest(), "read end offsets");
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(all, OffsetSpec.earliest(), "read start offsets");
        Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
        subjects.values().stream().filter(s -> partitions.containsKey(s.topic())).forEach(s -> groups.merge(
                s.groupId(), new ListConsumerGroupOffsetsSpec().topicPartitions(partitions.get(s.topic())),
                (x, y) -> new ListConsumerGroupOffsetsSpec().topicPartitions(merged(x, y))));
        var committed = groups.isEmpty() ? null : admin.listConsumerGroupOffsets(groups);
        Map<String, KafkaFuture<ConsumerGroupDescription>> descriptions = groups.isEmpty() || !withMembers
                ? Map.of() : admin.describeConsumerGroups(groups.keySet()).describedGroups();
        Instant at = clock.instant();
        for (var e : subjects.entrySet()) {
            Subject s = e.getValue();
            if (missing.containsKey(s.topic())) {
                result.put(e.getKey(), TopicReading.missing(missing.get(s.topic())));
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = nonNull(get(committed.partitionsToOffsetAndMetadata(
                    s.groupId()), "read offsets of group " + s.groupId()));
            List<PartitionOffsets> ps = partitions.get(s.topic()).stream()
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .map(p -> partition(p, ends.get(p).offset(), starts.get(p).offset(), offsets.get(p))).toList();
            result.put(e.getKey(), new TopicReading(count(at, ps), ps, members(descriptions.get(s.groupId()),
                    s.topic()), null));
        }
        return result;
    }

    /**
     * The counts of one topic and group: produced = the sum of the end offsets, consumed = the sum of the group's
     * committed offsets, lag = what waits between the two.
     */
    static KafkaReading count(Instant at, List<PartitionOffsets> partitions) {
        long produced = 0;
        long consumed = 0;
        long lag = 0;
        for (PartitionOffsets p : partitions) {
            produced += p.end();
            consumed += p.committed();
            lag += p.lag();
        }
        return new KafkaReading(at, produced, consumed, lag);
    }

    private static PartitionOffsets partition(TopicPartition p, long end, long start, OffsetAndMetadata committed) {
        // Without a commit, the group would start at the earliest record still kept.
        long position = committed == null ? start : committed.offset();
        return new PartitionOffsets(p.partition(), end, committed == null ? 0 : committed.offset(),
                Math.max(0, end - position));
    }

    /** The group's members and the partitions of {@code topic} each holds; empty when the group cannot be read. */
    private List<GroupMember> members(KafkaFuture<ConsumerGroupDescription> description, String topic) {
        if (description == null) {
            return List.of();
        }
        try {
            return get(description, "describe a consumer group").members().stream()
                    .map(m -> new GroupMember(m.clientId(), m.host(), m.assignment().topicPartitions().stream()
                            .filter(p -> p.topic().equals(topic)).map(TopicPartition::partition).sorted().toList()))
                    .sorted(Comparator.comparing(GroupMember::clientId)).toList();
        } catch (KafkaReadException e) {
            return List.of(); // no such group yet (no Worker ever joined): no members
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions, OffsetSpec spec,
                                                             String what) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return get(admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all(), what);
    }

    private static List<TopicPartition> merged(ListConsumerGroupOffsetsSpec x, ListConsumerGroupOffsetsSpec y) {
        List<TopicPartition> both = new ArrayList<>(x.topicPartitions());
        y.topicPartitions().stream().filter(p -> !both.contains(p)).forEach(both::add);
        return both;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nonNull(Map<TopicPartition, OffsetAndMetadata> m) {
        Map<TopicPartition, OffsetAndMetadata> r = new HashMap<>();
        if (m != null) {
            m.forEach((k, v) -> {
                if (v != null) {
                    r.put(k, v);
                }
            });
        }
        return r;
    }

    /** Waits for one call; its failure becomes a {@link KafkaReadException} whose cause is Kafka's exception. */
    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new KafkaReadException(KafkaReadException.Kind.TOPIC_MISSING, "topic does not exist (" + what
                        + ")", cause);
            }
            throw new KafkaReadException(KafkaReadException.Kind.UNREACHABLE, "cannot " + what + ": "
                    + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new KafkaReadException(KafkaReadException.Kind.UNREACHABLE, "Kafka did not answer within "
                    + timeout.toMillis() + " ms (" + what + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaReadException(KafkaReadException.Kind.UNREACHABLE, "interrupted", e);
        }
    }
}
