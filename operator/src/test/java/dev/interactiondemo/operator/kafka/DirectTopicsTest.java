package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.engine.TopicObservation;

import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many demos' topics in one batch, on a real broker: each demo gets the outcome it would get alone. */
class DirectTopicsTest {
    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalKafkaBroker.shared().bootstrapServers()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static DirectTopics.Want direct(String topic, int partitions, String ownedId, boolean mayCreate) {
        return new DirectTopics.Want(topic, true, partitions, 1, Map.of(), ownedId, mayCreate);
    }

    @Test
    void oneBatchGivesEveryDemoItsOwnOutcome() throws Exception {
        String p = "batch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        admin.createTopics(List.of(new NewTopic(p + "foreign", 1, (short) 1), new NewTopic(p + "shared", 2,
                (short) 1))).all().get();
        Map<String, DirectTopics.Want> wants = new LinkedHashMap<>();
        wants.put("intent-not-recorded", direct(p + "later", 3, null, false));
        wants.put("new", direct(p + "new", 3, null, true));
        wants.put("same-name-first", direct(p + "twice", 1, null, true));
        wants.put("same-name-second", direct(p + "twice", 1, null, true));
        wants.put("foreign", direct(p + "foreign", 1, null, true));
        wants.put("external-missing", DirectTopics.Want.existing(p + "nowhere"));
        wants.put("external", DirectTopics.Want.existing(p + "shared"));
        wants.put("bad-config", new DirectTopics.Want(p + "bad", true, 1, 1, Map.of("cleanup.policy", "sometimes"),
                null, true));
        wants.put("too-many-replicas", new DirectTopics.Want(p + "replicas", true, 1, 3, Map.of(), null, true));

        Map<String, TopicObservation> found = DirectTopics.ensureAll(admin, wants, "User:ANONYMOUS");

        assertEquals(wants.keySet(), found.keySet());
        assertEquals(DirectTopics.CREATING, found.get("intent-not-recorded").reason());
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
        Map<String, TopicObservation> again = DirectTopics.ensureAll(admin, Map.of(
                "grow", direct(p + "new", 5, id, true), "shrink", direct(p + "new", 2, id, true)), "User:ANONYMOUS");
        assertEquals("PartitionsIncreased", again.get("grow").reason());
        assertEquals(id, again.get("grow").topicId());
        assertEquals(5, admin.describeTopics(List.of(p + "new")).allTopicNames().get().get(p + "new").partitions()
                .size());
        assertEquals("Exists", again.get("shrink").reason());
    }
}
