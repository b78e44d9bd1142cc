package dev.interactiondemo.kafka;

import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Message counts from a real broker's end and committed offsets, for one topic and for many in one batch. */
class OffsetReaderTest {
    private static KafkaConnection kafka;
    private static Admin admin;

    @BeforeAll
    static void connect() {
        kafka = KafkaConnection.plaintext(LocalKafkaBroker.shared().bootstrapServers());
        admin = kafka.admin("offsets-test", Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void produce(String topic, int count, int partitions) throws Exception {
        Map<String, Object> config = kafka.clientConfig();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, i % partitions, "k", "v" + i)).get();
            }
        }
    }

    private static void commit(String group, TopicPartition partition, long offset) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            c.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
        }
    }

    @Test
    void countsComeFromEndAndCommittedOffsets() throws Exception {
        String topic = unique("counted");
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        OffsetReader reader = new OffsetReader(admin, Duration.ofSeconds(5), Clock.systemUTC());
        assertEquals(0, reader.read(topic, "g").produced());
        produce(topic, 7, 2);
        KafkaReading noConsumer = reader.read(topic, "g");
        assertEquals(7, noConsumer.produced());
        assertEquals(0, noConsumer.consumed());
        assertEquals(7, noConsumer.lag(), "nothing committed: everything is waiting");
        commit("g", new TopicPartition(topic, 0), 3);
        KafkaReading partly = reader.read(topic, "g");
        assertEquals(7, partly.produced());
        assertEquals(3, partly.consumed());
        assertEquals(4, partly.lag());

        KafkaReadException missing = assertThrows(KafkaReadException.class, () -> reader.read(unique("absent"), "g"));
        assertEquals(KafkaReadException.Kind.TOPIC_MISSING, missing.kind());
    }

    @Test
    void oneBatchReadsManyTopicsAndGroupsEachOnItsOwn() throws Exception {
        String a = unique("batch-a");
        String b = unique("batch-b");
        String absent = unique("batch-absent");
        admin.createTopics(List.of(new NewTopic(a, 2, (short) 1), new NewTopic(b, 1, (short) 1))).all().get();
        produce(a, 6, 2);
        produce(b, 4, 1);
        commit("group-a", new TopicPartition(a, 1), 2);
        commit("shared", new TopicPartition(b, 0), 4);
        Map<String, OffsetReader.Subject> subjects = new LinkedHashMap<>();
        subjects.put("demo-a", new OffsetReader.Subject(a, "group-a"));
        subjects.put("demo-b", new OffsetReader.Subject(b, "shared"));
        subjects.put("demo-a-shared", new OffsetReader.Subject(a, "shared")); // one group reading two topics
        subjects.put("demo-absent", new OffsetReader.Subject(absent, "group-a"));

        Map<String, OffsetReader.TopicReading> read = new OffsetReader(admin, Duration.ofSeconds(5),
                Clock.systemUTC()).readAll(subjects);

        assertEquals(subjects.keySet(), read.keySet());
        OffsetReader.TopicReading demoA = read.get("demo-a");
        assertNull(demoA.missing());
        assertEquals(new KafkaReading(demoA.reading().at(), 6, 2, 4), demoA.reading());
        assertEquals(List.of(new OffsetReader.PartitionOffsets(0, 3, 0, 3), new OffsetReader.PartitionOffsets(1, 3,
                2, 1)), demoA.partitions());
        assertEquals(List.of(), demoA.members(), "no consumer is subscribed: the group has no members");
        assertEquals(new KafkaReading(demoA.reading().at(), 4, 4, 0), read.get("demo-b").reading());
        assertEquals(new KafkaReading(demoA.reading().at(), 6, 0, 6), read.get("demo-a-shared").reading());
        assertEquals("topic " + absent + " does not exist", read.get("demo-absent").missing());
    }

    @Test
    void aSubscribedConsumerIsAMemberWithItsPartitions() throws Exception {
        String topic = unique("members");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "members-group");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "worker-1");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(topic));
            OffsetReader reader = new OffsetReader(admin, Duration.ofSeconds(5), Clock.systemUTC());
            List<OffsetReader.GroupMember> members = List.of();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (members.isEmpty() || members.get(0).partitions().size() < 3) {
                assertTrue(System.nanoTime() < until, "the consumer never held its partitions: " + members);
                c.poll(Duration.ofMillis(200));
                members = reader.readAll(Map.of("d", new OffsetReader.Subject(topic, "members-group"))).get("d")
                        .members();
            }
            assertEquals("worker-1", members.get(0).clientId());
            assertEquals(List.of(0, 1, 2), members.get(0).partitions());
        }
    }

    @Test
    void anUnreachableKafkaIsReportedNotHung() {
        try (Admin nowhere = KafkaConnection.plaintext("127.0.0.1:1").admin("offsets-test", Duration.ofSeconds(1))) {
            OffsetReader reader = new OffsetReader(nowhere, Duration.ofSeconds(2), Clock.systemUTC());
            KafkaReadException one = assertThrows(KafkaReadException.class, () -> reader.read("t", "g"));
            assertEquals(KafkaReadException.Kind.UNREACHABLE, one.kind());
            KafkaReadException many = assertThrows(KafkaReadException.class,
                    () -> reader.readAll(Map.of("d", new OffsetReader.Subject("t", "g"))));
            assertEquals(KafkaReadException.Kind.UNREACHABLE, many.kind());
        }
    }
}
