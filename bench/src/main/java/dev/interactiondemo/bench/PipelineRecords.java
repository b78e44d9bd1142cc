package dev.interactiondemo.bench;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.interactiondemo.notification.Notification;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pipeline bench's records: notifications as the Host makes them, their serialized size (the record size Kafka's
 * tools are given) and a topic filled with them for the consume tests.
 */
final class PipelineRecords {
    static final List<String> RECIPIENTS = List.of("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi");
    /** A producer id as a Host in a pod has it: the pod's name and a random suffix. */
    static final String PRODUCER_ID = "hello-host-7d9f8c6b5d-x2x7k-a1b2c3";

    private PipelineRecords() {
    }

    /** A notification as the Host makes it (UUID id, pod-style producer id, greeting, timestamps, partition). */
    static Notification notification(long sequence, String recipient, int partition, long partitionSequence) {
        Instant now = Instant.now();
        return Notification.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setProducerId(PRODUCER_ID)
                .setSequence(sequence)
                .setRecipient(recipient)
                .setText("Hello, " + recipient)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setGreeterLatency(Duration.newBuilder().setNanos(412_345))
                .setPartition(partition)
                .setPartitionSequence(partitionSequence)
                .build();
    }

    /** The serialized size of a typical notification (its value; the key is the recipient, 3-5 bytes). */
    static int recordSize() {
        return notification(123_456, "Alice", 1, 41_152).toByteArray().length;
    }

    /** Fills a topic with real notifications (numbered per partition, as the Host does) for the consume tests. */
    static void prefill(BenchBroker broker, String topic, long count) {
        broker.createTopic(topic, PipelineBench.PARTITIONS);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long[] perPartition = new long[PipelineBench.PARTITIONS];
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long i = 1; i <= count; i++) {
                String recipient = RECIPIENTS.get((int) (i % RECIPIENTS.size()));
                int partition = Utils.toPositive(Utils.murmur2(recipient.getBytes(StandardCharsets.UTF_8)))
                        % PipelineBench.PARTITIONS;
                Notification n = notification(i, recipient, partition, ++perPartition[partition]);
                p.send(new ProducerRecord<>(topic, partition, recipient, n.toByteArray()));
            }
            p.flush();
        }
    }
}
