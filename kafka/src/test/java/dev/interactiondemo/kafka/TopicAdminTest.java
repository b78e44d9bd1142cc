package dev.interactiondemo.kafka;

import dev.interactiondemo.kafka.TopicObservation;

import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many demos' topics in one batch, on a real broker: each demo gets the outcome it would get alone. */
class TopicAdminTest {
    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = KafkaConnection.plaintext(LocalKafkaBroker.shared().bootstrapServers()).admin("topics-test",
                Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static TopicAdmin.Want direct(String topic, int partitions, String ownedId, boolean mayCreate) {
        return new TopicAdmin.Want(topic, true, partitions, 1, Map.of(), ownedId, mayCreate);
    }

    @Test
    void oneBatchGivesEveryDemoItsOwnOutcome() throws Exception {
        String p = "batch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        admin.createTopics(List.of(new NewTopic(p + "foreign", 1, (short) 1), new NewTopic(p + "shared", 2,
                (short) 1))).all().get();
        Map<String, TopicAdmin.Want> wants = new LinkedHashMap<>();
        wants.put("intent-not-recorded", direct(p + "later", 3, null, false));
        wants.put("new", direct(p + "new", 3, null, true));
        wants.put("same-name-first", direct(p + "twice", 1, null, true));
        wants.put("same-name-second", direct(p + "twice", 1, null, true));
        wants.put("foreign", direct(p + "foreign", 1, null, true));
        wants.put("external-missing", TopicAdmin.Want.existing(p + "nowhere"));
        wants.put("external", TopicAdmin.Want.existing(p + "shared"));
        wants.put("bad-config", new TopicAdmin.Want(p + "bad", true, 1, 1, Map.of("cleanup.policy", "sometimes"),
                null, true));
        wants.put("too-many-replicas", new TopicAdmin.Want(p + "replicas", true, 1, 3, Map.of(), null, true));

        Map<String, TopicObservation> found = TopicAdmin.ensureAll(admin, wants, "User:ANONYMOUS");

        assertEquals(wants.keySet(), found.keySet());
        assertEquals(TopicObservation.CREATING, found.get("intent-not-recorded").reason());
        assertEquals("Created", found.get("new").reason());
        assertEquals(3, found.get("new").partitions());
        assertNotNull(found.get("new").topicId());
        assertEquals("Created", found.get("same-name-first").reason());
        assertEquals("TopicExists", found.get("same-name-second").reason(), "only one demo creates a name");
        assertEquals("TopicExists", found.get("foreign").reason(), "a topic it did not create is not adopted");
        assertEquals("TopicMissing", found.get("external-missing").reason());
        assertTrue(found.get("external").ready());
        assertEquals(2, found.get("external").partitions());
        assertEquals("InvalidTopicConfig", found.get("bad-config").reason());
        assertEquals("InvalidReplicationFactor", found.get("too-many-replicas").reason());
        assertFalse(admin.listTopics().names().get().contains(p + "later"), "no topic before the intent is recorded");

        // The demo's own topic, asked for more partitions, grows; asked for fewer, stays.
        String id = found.get("new").topicId();
        Map<String, TopicObservation> again = TopicAdmin.ensureAll(admin, Map.of(
                "grow", direct(p + "new", 5, id, true), "shrink", direct(p + "new", 2, id, true)), "User:ANONYMOUS");
        assertEquals("PartitionsIncreased", again.get("grow").reason());
        assertEquals(id, again.get("grow").topicId());
        assertEquals(5, admin.describeTopics(List.of(p + "new")).allTopicNames().get().get(p + "new").partitions()
                .size());
        assertEquals("Exists", again.get("shrink").reason());
    }

    @Test
    void onlyTheTopicOfTheOwnedIdIsDeleted() throws Exception {
        String topic = "owned-" + UUID.randomUUID().toString().substring(0, 8);
        String id = TopicAdmin.ensureAll(admin, Map.of("demo", direct(topic, 1, null, true)), "User:ANONYMOUS")
                .get("demo").topicId();
        assertNotNull(id);
        assertEquals(TopicAdmin.Deletion.NOT_OWNED, TopicAdmin.delete(admin, topic, null));
        assertEquals(TopicAdmin.Deletion.NOT_OWNED, TopicAdmin.delete(admin, topic, "AAAAAAAAAAAAAAAAAAAAAA"),
                "another id: a topic recreated by someone else stays");
        assertTrue(admin.listTopics().names().get().contains(topic));
        assertEquals(TopicAdmin.Deletion.DELETED, TopicAdmin.delete(admin, topic, id));
        assertEquals(TopicAdmin.Deletion.ALREADY_GONE, TopicAdmin.delete(admin, topic, id));
    }

    @Test
    void anUnreachableKafkaIsAnOutcomeNotAnException() {
        try (Admin nowhere = KafkaConnection.plaintext("127.0.0.1:1").admin("topics-test", Duration.ofSeconds(1))) {
            TopicObservation o = TopicAdmin.ensureAll(nowhere, Map.of("demo", direct("t", 1, null, true)),
                    "User:ANONYMOUS").get("demo");
            assertFalse(o.ready());
            assertEquals("KafkaUnreachable", o.reason());
            assertTrue(o.message().startsWith("cannot reach Kafka to manage topic t: "), o.message());
        }
    }
}
