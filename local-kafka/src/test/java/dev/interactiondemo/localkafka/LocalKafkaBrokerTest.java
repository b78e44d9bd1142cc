package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.testing.Await;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalKafkaBrokerTest {

    @Test
    void aRealBrokerStoresAndServesRecordsThenCleansUp() throws Exception {
        Path dataDir;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            dataDir = broker.logFile().getParent();
            assertTrue(broker.isRunning());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("t", "k", "hello")).get();
            }
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "g",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("t"));
                // Each poll waits up to 500 ms for records itself; the consumer is used from this thread only.
                ConsumerRecords<String, String> records = Await.value("the record",
                        () -> Optional.of(c.poll(Duration.ofMillis(500))).filter(r -> !r.isEmpty()),
                        Duration.ofSeconds(30), Duration.ZERO);
                assertEquals(1, records.count());
                assertEquals("hello", records.iterator().next().value());
            }
        }
        assertFalse(Files.exists(dataDir), "the data directory is removed on close");
    }

    @Test
    void anExtraListenerSendsItsClientsToTheAdvertisedAddress() throws Exception {
        try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             LocalKafkaBroker broker = LocalKafkaBroker.builder()
                     .extraListener("PROXIED", "localhost:" + proxy.getLocalPort()).start()) {
            assertNotEquals(broker.port(), broker.listenerPort("PROXIED"));
            AtomicInteger throughProxy = new AtomicInteger();
            Thread forwarder = new Thread(() -> forward(proxy, broker.listenerPort("PROXIED"), throughProxy));
            forwarder.setDaemon(true);
            forwarder.start();
            try (Admin proxied = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "localhost:" + proxy.getLocalPort()))) {
                var node = proxied.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
                assertEquals(proxy.getLocalPort(), node.port(), "clients of the extra listener are sent to the proxy");
            }
            assertTrue(throughProxy.get() >= 1);
            try (Admin direct = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                var node = direct.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
                assertEquals(broker.port(), node.port(), "the main listener is unchanged");
            }
            assertThrows(IllegalArgumentException.class, () -> broker.listenerPort("OTHER"));
        }
        assertThrows(IllegalArgumentException.class, () -> LocalKafkaBroker.builder().extraListener("x", "h:1"));
        assertThrows(IllegalArgumentException.class, () -> LocalKafkaBroker.builder().extraListener("X", "h"));
    }

    /** A plain TCP forwarder: every connection accepted on {@code server} is joined to localhost:{@code port}. */
    private static void forward(ServerSocket server, int port, AtomicInteger connections) {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket("127.0.0.1", port);
                connections.incrementAndGet();
                for (Socket[] pair : new Socket[][] {{in, out}, {out, in}}) {
                    Thread t = new Thread(() -> {
                        try {
                            pair[0].getInputStream().transferTo(pair[1].getOutputStream());
                        } catch (IOException ignored) {
                            // one side closed
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The benchmarks' broker: Kafka's own JVM flags, settings of one's own, its directory where they say. */
    @Test
    void jvmFlagsSettingsAndDirectoryOfOnesOwn(@TempDir Path parent) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder()
                .jvmOptions(List.of("-Xmx256m", "-XX:+UseG1GC"))
                .config("auto.create.topics.enable", "true")
                .config("num.partitions", "2")
                .directoryIn(parent).start()) {
            assertEquals(parent, broker.logFile().getParent().getParent());
            String command = broker.process().info().commandLine().orElse("");
            assertTrue(command.contains("-Xmx256m -XX:+UseG1GC") && !command.contains("SerialGC"), command);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new StringSerializer(), new StringSerializer());
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         broker.bootstrapServers()))) {
                p.send(new ProducerRecord<>("made-on-use", "hello")).get(30, TimeUnit.SECONDS);
                assertEquals(2, admin.describeTopics(List.of("made-on-use")).allTopicNames().get().get("made-on-use")
                        .partitions().size(), "the settings of one's own override the broker's");
            }
            var exited = broker.process().onExit();
            assertFalse(exited.isDone());
            broker.close();
            assertFalse(exited.get(30, TimeUnit.SECONDS).isAlive(), "its JVM exits on close");
        }
        assertThrows(IllegalStateException.class,
                () -> LocalKafkaBroker.builder().maxHeap("1g").jvmOptions(List.of("-Xmx1g")).start());
        assertThrows(IllegalArgumentException.class, () -> LocalKafkaBroker.builder().config("a b", "c"));
    }

    @Test
    void aTakenPortIsReportedClearly() throws Exception {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LocalKafkaBroker.builder().port(socket.getLocalPort()).start());
            assertEquals("port " + socket.getLocalPort() + " for the Kafka broker is already in use", e.getMessage());
        }
    }
}
