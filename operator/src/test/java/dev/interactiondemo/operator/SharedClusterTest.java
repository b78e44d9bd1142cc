package dev.interactiondemo.operator;

import com.sun.net.httpserver.HttpServer;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One operator for several tenant namespaces and one shared, real Kafka broker, as a platform team installs it, with
 * careless and hostile specs among the tenants' demos: nothing one tenant writes stops the others' demos, shows them
 * another's messages, or lets the operator take over or delete what it did not create.
 */
class SharedClusterTest {
    private static final String A = "tenant-a";
    private static final String B = "tenant-b";
    private static final String C = "tenant-c";
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static Admin admin;
    private static HttpServer http;

    @BeforeAll
    static void start() throws Exception {
        client = KubeApi.client();
        List.of(A, B, C).forEach(KubeApi::namespace);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker()));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", e -> {
            e.sendResponseHeaders(200, -1);
            e.close();
        });
        http.start();
        operator = RunningOperator.start(client, A + "," + B + "," + C, Map.of(), d -> "localhost:1");
    }

    @AfterAll
    static void stop() {
        operator.close();
        admin.close();
        http.stop(0);
    }

    static String broker() {
        return LocalKafkaBroker.shared().bootstrapServers();
    }

    static InteractionDemo demo(String name, String bootstrap, String management, String topicName) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic:
                      management: %s
                      partitions: 2
                %s
                """.formatted(name, bootstrap, management, topicName == null ? "" : "      name: " + topicName),
                InteractionDemo.class);
    }

    static InteractionDemo create(String namespace, InteractionDemo demo) {
        return client.resources(InteractionDemo.class).inNamespace(namespace).resource(demo).create();
    }

    static Optional<InteractionDemo> get(String namespace, String name) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(namespace).withName(name).get());
    }

    static Optional<Condition> condition(String namespace, String name, String type) {
        return get(namespace, name).filter(d -> d.getStatus() != null && d.getStatus().getConditions() != null)
                .flatMap(d -> d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst());
    }

    static Condition awaitCondition(String namespace, String name, String type, String reason) {
        try {
            return Await.value(namespace + "/" + name + " " + type + " with reason " + reason, () -> condition(namespace,
                    name, type).filter(c -> reason.equals(c.getReason())), Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the demo's status: " + get(namespace, name)
                    .map(d -> Serialization.asYaml(d.getStatus())).orElse("no demo"), e);
        }
    }

    static void awaitReady(String namespace, String name) {
        Await.until(namespace + "/" + name + " TopicReady True with its topic id", () -> condition(namespace, name,
                "TopicReady").filter(c -> "True".equals(c.getStatus()) && List.of("Created", "Exists")
                .contains(c.getReason())).isPresent() && get(namespace, name).orElseThrow().getStatus().getTopic()
                .getTopicId() != null, Duration.ofSeconds(60));
    }

    /** Whether the operator keeps a status for the demo (it forgets the demo once it handled its deletion). */
    static boolean listed(String namespace, String name) {
        return operator.statuses.list().stream().anyMatch(l -> l.namespace().equals(namespace) && l.name().equals(name));
    }

    static long produced(String namespace, String name) {
        return get(namespace, name).map(d -> d.getStatus() == null || d.getStatus().getMessages() == null ? -1L
                : d.getStatus().getMessages().getProduced()).orElse(-1L);
    }

    static void send(String topic, int count) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Set<String> topics() {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void delete(String namespace, String name) {
        client.resources(InteractionDemo.class).inNamespace(namespace).withName(name).delete();
        Await.until(namespace + "/" + name + " gone", () -> get(namespace, name).isEmpty());
    }

    @Test
    void addressesThatAreNotKafkaAreNamedWhileOtherDemosKeepRefreshing() {
        URI api = URI.create(client.getConfiguration().getMasterUrl());
        String tls = "localhost:" + api.getPort(); // the API server: a TLS listener, like kubernetes.default.svc:443
        String plainHttp = "127.0.0.1:" + http.getAddress().getPort();
        create(C, demo("webpage", plainHttp, "Direct", null));
        create(C, demo("apiserver", tls, "External", "anything"));
        create(A, demo("healthy", broker(), "Direct", null));

        Condition web = awaitCondition(C, "webpage", "TopicReady", "NotKafka");
        assertTrue(web.getMessage().contains(plainHttp) && web.getMessage().contains("HTTP"), web.getMessage());
        Condition apiserver = awaitCondition(C, "apiserver", "TopicReady", "NotKafka");
        assertTrue(apiserver.getMessage().contains(tls) && apiserver.getMessage().contains("TLS"), apiserver.getMessage());
        assertEquals("Unknown", condition(C, "webpage", "MessagesFlowing").orElseThrow().getStatus());

        // The healthy tenant's status goes on following its own topic, reading after reading.
        awaitCondition(A, "healthy", "TopicReady", "Created");
        String topic = get(A, "healthy").orElseThrow().getStatus().getTopic().getName();
        send(topic, 5);
        Await.until("healthy counts 5", () -> produced(A, "healthy") == 5);
        send(topic, 7);
        Await.until("healthy counts 12", () -> produced(A, "healthy") == 12);
        // The hostile addresses were checked, named, and left alone: still the same verdicts.
        assertEquals("NotKafka", condition(C, "webpage", "TopicReady").orElseThrow().getReason());
        assertEquals("NotKafka", condition(C, "apiserver", "TopicReady").orElseThrow().getReason());
        delete(C, "webpage");
        delete(C, "apiserver");
        delete(A, "healthy");
    }

    @Test
    void sameNamedDemosInTwoNamespacesHaveTheirOwnTopicGroupAndCounts() throws Exception {
        create(A, demo("twin", broker(), "Direct", null));
        create(B, demo("twin", broker(), "Direct", null));
        // Each made its own topic (reason Created, or Exists once a later look found it as made).
        awaitReady(A, "twin");
        awaitReady(B, "twin");
        InteractionDemo a = get(A, "twin").orElseThrow();
        InteractionDemo b = get(B, "twin").orElseThrow();
        assertEquals("tenant-a.twin-notifications", a.getStatus().getTopic().getName());
        assertEquals("tenant-b.twin-notifications", b.getStatus().getTopic().getName());
        assertEquals("tenant-a.twin-workers", a.getStatus().getWorker().getGroupId());
        assertEquals("tenant-b.twin-workers", b.getStatus().getWorker().getGroupId());
        assertNotEquals(a.getStatus().getTopic().getTopicId(), b.getStatus().getTopic().getTopicId());
        String groupEnv = client.apps().deployments().inNamespace(B).withName("twin-worker").get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> "NOTIFIER_GROUP_ID".equals(e.getName())).findFirst().orElseThrow().getValue();
        assertEquals("tenant-b.twin-workers", groupEnv);

        send("tenant-a.twin-notifications", 4);
        Await.until("tenant-a counts its own 4", () -> produced(A, "twin") == 4);
        Await.until("tenant-b counts none of them", () -> produced(B, "twin") == 0);

        delete(A, "twin");
        assertFalse(topics().contains("tenant-a.twin-notifications"), "tenant-a's topic goes with its demo");
        assertTrue(topics().contains("tenant-b.twin-notifications"), "tenant-b's topic stays");
        send("tenant-b.twin-notifications", 2);
        Await.until("tenant-b still counts its own", () -> produced(B, "twin") == 2);
        delete(B, "twin");
    }

    @Test
    void aTopicThatExistedBeforeIsNeitherAdoptedAlteredNorDeleted() throws Exception {
        admin.createTopics(List.of(new NewTopic("ledger", 1, (short) 1))).all().get();
        send("ledger", 3);
        create(C, demo("grabby", broker(), "Direct", "ledger"));
        Condition c = awaitCondition(C, "grabby", "TopicReady", "TopicExists");
        assertTrue(c.getMessage().contains("topic.management External"), c.getMessage());
        assertEquals("False", condition(C, "grabby", "Ready").orElseThrow().getStatus());
        assertEquals(1, admin.describeTopics(List.of("ledger")).allTopicNames().get().get("ledger").partitions().size(),
                "partitions: 2 in the spec did not grow the topic");
        assertEquals(-1L, produced(C, "grabby"), "no counts from a topic that is not the demo's");

        delete(C, "grabby");
        assertTrue(topics().contains("ledger"), "the topic the demo did not create is still there");
        long end = admin.listOffsets(Map.of(new TopicPartition("ledger", 0), OffsetSpec.latest())).all().get()
                .get(new TopicPartition("ledger", 0)).offset();
        assertEquals(3, end, "with its records");
    }

    @Test
    void anObjectThatHoldsADependentsNameIsNeitherAdoptedNorDeleted() {
        Service mine = client.services().inNamespace(C).resource(new ServiceBuilder()
                .withNewMetadata().withName("x-greeter").withLabels(Map.of("team", "mine")).endMetadata()
                .withNewSpec().withSelector(Map.of("app", "mine")).addNewPort().withPort(80).endPort().endSpec()
                .build()).create();
        create(C, demo("x", broker(), "External", "x-anything"));
        Condition ready = awaitCondition(C, "x", "Ready", "NameTaken");
        assertTrue(ready.getMessage().contains("Service x-greeter already exists and does not belong to this "
                + "InteractionDemo"), ready.getMessage());
        assertEquals("NameTaken", condition(C, "x", "GreeterAvailable").orElseThrow().getReason());

        Service after = client.services().inNamespace(C).withName("x-greeter").get();
        assertEquals(Map.of("app", "mine"), after.getSpec().getSelector());
        assertTrue(after.getMetadata().getOwnerReferences().isEmpty(), "no owner reference added");
        assertEquals(mine.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion(), "untouched");

        // The demo goes. No garbage collector runs beside this API server, so what is checked is what would make
        // one delete the Service (an owner reference, asserted above) and what the operator itself did once it had
        // handled the deletion (it forgets the demo then): the Service is still there, the same object, untouched.
        Await.until("the operator knows C/x", () -> listed(C, "x"));
        delete(C, "x");
        Await.until("the operator handled the deletion of C/x", () -> !listed(C, "x"));
        Service left = client.services().inNamespace(C).withName("x-greeter").get();
        assertNotNull(left, "the operator did not delete the Service it does not own");
        assertEquals(mine.getMetadata().getUid(), left.getMetadata().getUid(), "the same Service, not a new one");
        assertEquals(mine.getMetadata().getResourceVersion(), left.getMetadata().getResourceVersion(),
                "untouched by the deletion");
        assertTrue(left.getMetadata().getOwnerReferences().isEmpty(), "nothing for a garbage collector to follow");
        client.services().inNamespace(C).withName("x-greeter").delete();
    }

    @Test
    void eventsAggregatePerDemoAndReason() {
        InteractionDemo d = create(C, demo("flappy", "127.0.0.1:1", "External", "t"));
        DemoEvents events = new DemoEvents(java.time.Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            events.record(client, d, "Warning", "Flapping", "round " + i);
        }
        events.record(client, d, "Normal", "Steady", "calm");
        List<Event> mine = client.v1().events().inNamespace(C).list().getItems().stream()
                .filter(e -> d.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                .filter(e -> Set.of("Flapping", "Steady").contains(e.getReason())).toList();
        assertEquals(2, mine.size(), "one Event object per reason");
        Event flapping = mine.stream().filter(e -> "Flapping".equals(e.getReason())).findFirst().orElseThrow();
        assertEquals(5, flapping.getCount());
        assertEquals("round 4", flapping.getMessage());
        assertEquals(DemoEvents.name(d, "Flapping"), flapping.getMetadata().getName());
        delete(C, "flappy");
    }
}
