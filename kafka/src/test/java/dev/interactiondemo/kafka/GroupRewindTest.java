package dev.interactiondemo.kafka;

import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A consumer group's committed offsets moved back on a real broker: by how much, and what stays. */
class GroupRewindTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static KafkaConnection kafka;
    private static Admin admin;

    @BeforeAll
    static void connect() {
        kafka = KafkaConnection.plaintext(LocalKafkaBroker.shared().bootstrapServers());
        admin = kafka.admin("rewind-test", Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, partition, "k", "v" + i)).get();
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    /**
     * Each partition moved back by as many as asked, not below its start (here records were deleted from one), the
     * metadata of each commit kept as it was, and the group's commits on another topic left alone.
     */
    @Test
    void movesEachPartitionBackKeepingItsMetadata() throws Exception {
        String topic = unique("rewound");
        String other = unique("untouched");
        String group = unique("rewind-group");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1), new NewTopic(other, 1, (short) 1))).all().get();
        produce(topic, 0, 15);
        produce(topic, 1, 15);
        produce(topic, 2, 6);
        produce(other, 0, 12);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        TopicPartition p2 = new TopicPartition(topic, 2);
        TopicPartition o0 = new TopicPartition(other, 0);
        admin.deleteRecords(Map.of(p2, RecordsToDelete.beforeOffset(2))).all().get(); // partition 2 starts at 2
        try (KafkaConsumer<String, String> c = consumer(group)) {
            c.commitSync(Map.of(p0, new OffsetAndMetadata(12, "a1;host-1=12"),
                    p1, new OffsetAndMetadata(15, "a1;host-1=9,host-2=6"),
                    p2, new OffsetAndMetadata(6, ""),
                    o0, new OffsetAndMetadata(12, "other")));
        }

        long moved = GroupRewind.rewind(admin, group, topic, 10, TIMEOUT);

        assertEquals(10 + 10 + 4, moved, "10 from partitions 0 and 1; partition 2 only back to its start, 2");
        Map<TopicPartition, OffsetAndMetadata> after = committed(group);
        assertEquals(new OffsetAndMetadata(2, "a1;host-1=12"), after.get(p0));
        assertEquals(new OffsetAndMetadata(5, "a1;host-1=9,host-2=6"), after.get(p1));
        assertEquals(new OffsetAndMetadata(2, ""), after.get(p2));
        assertEquals(new OffsetAndMetadata(12, "other"), after.get(o0), "another topic's commit is left alone");

        assertEquals(4, GroupRewind.rewind(admin, group, topic, 2, TIMEOUT), "2 more from partitions 0 and 1");
        assertEquals(new OffsetAndMetadata(0, "a1;host-1=12"), committed(group).get(p0));
        assertEquals(0, GroupRewind.rewind(admin, unique("no-such-group"), topic, 10, TIMEOUT),
                "a group that committed nothing has nothing to move");
    }

    @Test
    void aGroupWithAMemberIsNotMoved() throws Exception {
        String topic = unique("live");
        String group = unique("live-group");
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        produce(topic, 0, 5);
        TopicPartition p0 = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> c = consumer(group)) {
            c.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.assignment().isEmpty()) {
                assertTrue(System.nanoTime() < until, "the consumer never joined its group");
                c.poll(Duration.ofMillis(200));
            }
            c.commitSync(Map.of(p0, new OffsetAndMetadata(5, "a1;host-1=5")));
            assertTrue(!GroupRewind.empty(admin, group, TIMEOUT));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> GroupRewind.rewind(admin, group, topic, 3, TIMEOUT));
            assertTrue(e.getMessage().contains("has members"), e.getMessage());
        }
        assertEquals(new OffsetAndMetadata(5, "a1;host-1=5"), committed(group).get(p0), "nothing moved");
        assertTrue(GroupRewind.empty(admin, group, TIMEOUT), "the consumer left on close");
    }
}
