package dev.interactiondemo.notifier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notification.Notification;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Worker that stops normally, against a real Kafka broker: it commits, leaves its group and warns of nothing. */
class WorkerStopTest {

    @Test
    void aNormalStopLogsNoWarning() throws Exception {
        String topic = "worker-stop";
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        send(kafka, topic, 3);
        NotificationWorker worker = new NotificationWorker(NotifierConfig.from(new String[]{"worker",
                "--bootstrap-servers=" + kafka.bootstrapServers(), "--topic=" + topic, "--greeter-target=localhost:1",
                "--group-id=" + topic + "-workers", "--http-port=0"}, Map.of()), Metrics.newRegistry());
        worker.start();
        // Something processed: the stop has offsets to commit, on the way out and when its partitions are revoked.
        Await.until("3 notifications processed", () -> worker.stats().consumed() == 3);

        Logger notifierLog = (Logger) LoggerFactory.getLogger("dev.interactiondemo.notifier");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        notifierLog.addAppender(logged);
        try {
            worker.close();
        } finally {
            notifierLog.detachAppender(logged);
        }

        List<String> warnings = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName()))
                .toList();
        assertEquals(List.of(), warnings, "a normal stop warns of nothing");
        assertEquals(List.of(), logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("NullPointerException")).toList());
        assertEquals(3, worker.stats().delivered());
    }

    /** {@code count} valid notifications from one producer, into partition 0. */
    private static void send(LocalKafkaBroker kafka, String topic, int count) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= count; i++) {
                Notification n = Notification.newBuilder().setId("n" + i).setProducerId("stop-test").setSequence(i)
                        .setRecipient("Ada").setText("Hello Ada").setCreatedAt(ProtoTime.timestamp(Instant.now()))
                        .setPartition(0).setPartitionSequence(i).build();
                producer.send(new ProducerRecord<>(topic, 0, "Ada", n.toByteArray())).get();
            }
        }
    }
}
