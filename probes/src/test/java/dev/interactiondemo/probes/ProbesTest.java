package dev.interactiondemo.probes;

import dev.interactiondemo.api.status.KafkaReading;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probes against a real broker and a real Greeter. */
class ProbesTest {

    @Test
    void countsComeFromEndAndCommittedOffsets() throws Exception {
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        String bootstrap = kafka.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("counted", 2, (short) 1))).all().get();
            MessageCounter counter = new MessageCounter(admin, Duration.ofSeconds(5), Clock.systemUTC());
            assertEquals(new KafkaReading(null, 0, 0, 0).produced(), counter.read("counted", "g").produced());
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 7; i++) {
                    p.send(new ProducerRecord<>("counted", i % 2, "k", "v" + i)).get();
                }
            }
            KafkaReading noConsumer = counter.read("counted", "g");
            assertEquals(7, noConsumer.produced());
            assertEquals(0, noConsumer.consumed());
            assertEquals(7, noConsumer.lag(), "nothing committed: everything is waiting");
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "g"),
                    new StringDeserializer(), new StringDeserializer())) {
                c.commitSync(Map.of(new TopicPartition("counted", 0), new OffsetAndMetadata(3)));
            }
            KafkaReading partly = counter.read("counted", "g");
            assertEquals(7, partly.produced());
            assertEquals(3, partly.consumed());
            assertEquals(4, partly.lag());

            ProbeException missing = assertThrows(ProbeException.class, () -> counter.read("absent", "g"));
            assertEquals(ProbeException.Kind.TOPIC_MISSING, missing.kind());
        }
    }

    @Test
    void anUnreachableKafkaIsReportedNotHung() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 500, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1000))) {
            ProbeException e = assertThrows(ProbeException.class,
                    () -> new MessageCounter(admin, Duration.ofSeconds(2), Clock.systemUTC()).read("t", "g"));
            assertEquals(ProbeException.Kind.UNREACHABLE, e.kind());
        }
    }

    @Test
    void greeterHealthIsAskedOverGrpc() throws Exception {
        GreeterServer server = GreeterServer.start(0, "port", new GreeterImpl(10, Duration.ZERO), Metrics.newRegistry());
        ManagedChannel channel = Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create())
                .build();
        try {
            GreeterProbe.Health up = GreeterProbe.check(channel, Duration.ofSeconds(5));
            assertTrue(up.isServing(), up.toString());
            server.close();
            GreeterProbe.Health down = GreeterProbe.check(channel, Duration.ofSeconds(2));
            assertEquals("UNREACHABLE", down.serving());
            assertTrue(down.detail().startsWith("UNAVAILABLE"), down.detail());
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }
}
