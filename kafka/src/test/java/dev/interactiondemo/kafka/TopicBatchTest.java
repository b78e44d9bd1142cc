package dev.interactiondemo.kafka;

import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topic changes asked for at once by many demos, on a real broker: each caller gets its own topic's outcome. */
class TopicBatchTest {
    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = KafkaConnection.plaintext(LocalKafkaBroker.shared().bootstrapServers()).admin("batch-test",
                Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void concurrentChangesEachGetTheirOwnOutcome() throws Exception {
        String p = "batched-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicBatch batch = new TopicBatch("User:ANONYMOUS");
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<TopicObservation>> made = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String topic = p + i;
                int partitions = 1 + i % 3;
                Callable<TopicObservation> call = () -> batch.ensure(admin, topic, new TopicAdmin.Want(topic, true,
                        partitions, 1, Map.of(), null, true));
                made.add(callers.submit(call));
            }
            for (int i = 0; i < 8; i++) {
                TopicObservation t = made.get(i).get();
                assertTrue(t.ready(), t.toString());
                assertEquals("Created", t.reason());
                assertEquals(1 + i % 3, t.partitions());
                assertFalse(t.topicId() == null || t.topicId().isEmpty());
            }
            assertEquals(8, made.stream().map(f -> {
                try {
                    return f.get().topicId();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).distinct().count(), "one topic each");

            // Later: a change on its own is a batch of one; growing the first topic, by its id.
            TopicObservation first = made.get(0).get();
            TopicObservation grown = batch.ensure(admin, p + 0, new TopicAdmin.Want(p + 0, true, 2, 1, Map.of(),
                    first.topicId(), true));
            assertEquals("PartitionsIncreased", grown.reason());
            assertEquals(2, grown.partitions());
        } finally {
            callers.shutdownNow();
        }
    }
}
