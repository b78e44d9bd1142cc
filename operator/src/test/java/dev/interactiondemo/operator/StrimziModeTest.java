package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strimzi mode: the operator creates a KafkaTopic for the Strimzi Topic Operator, follows its Ready condition (set
 * here as Strimzi would), holds the Host back until then, and explains a topic that never gets Ready.
 */
class StrimziModeTest {
    private static final String NS = "strimzi";
    private static KubernetesClient client;
    private static RunningOperator operator;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        operator = RunningOperator.start(client, NS, Map.of("TOPIC_READY_TIMEOUT", "3s"), d -> "localhost:1");
    }

    @AfterAll
    static void stop() {
        operator.close();
    }

    private static Resource<GenericKubernetesResource> kafkaTopic(String name) {
        return client.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic").inNamespace(NS).withName(name);
    }

    private static InteractionDemo demo(String name) {
        return client.resources(InteractionDemo.class).inNamespace(NS).withName(name).get();
    }

    private static Optional<String> topicCondition(String demo, String field) {
        InteractionDemo d = demo(demo);
        if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals("TopicReady")).findFirst()
                .map(c -> field.equals("reason") ? c.getReason() : field.equals("status") ? c.getStatus() : c.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKafkaTopicIsCreatedForStrimziAndTopicReadyFollowsIt() {
        InteractionDemo created = client.resources(InteractionDemo.class).inNamespace(NS).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: orders
                spec:
                  kafka:
                    clusterName: my-cluster
                    topic:
                      name: orders.v1
                      partitions: 4
                      config: {retention.ms: "3600000"}
                """, InteractionDemo.class)).create();

        GenericKubernetesResource topic = Await.value("the KafkaTopic", () -> Optional.ofNullable(
                kafkaTopic("orders-notifications").get()), Duration.ofSeconds(60));
        assertEquals("my-cluster", topic.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals("topic", topic.getMetadata().getLabels().get("app.kubernetes.io/component"));
        assertEquals(created.getMetadata().getUid(), topic.getMetadata().getOwnerReferences().get(0).getUid());
        Map<String, Object> spec = (Map<String, Object>) topic.getAdditionalProperties().get("spec");
        assertEquals("orders.v1", spec.get("topicName"));
        assertEquals(4, spec.get("partitions"));
        assertEquals(1, spec.get("replicas"));
        assertEquals(Map.of("retention.ms", "3600000"), spec.get("config"));
        assertEquals("kafka.strimzi.io/v1", topic.getApiVersion());

        // No Topic Operator answers: first "waiting", then, after TOPIC_READY_TIMEOUT, the likely cause.
        Await.value("the explanatory message", () -> topicCondition("orders", "reason")
                .filter("TopicOperatorNotResponding"::equals), Duration.ofSeconds(30));
        String message = topicCondition("orders", "message").orElseThrow();
        assertTrue(message.contains("is a Strimzi Topic Operator watching label strimzi.io/cluster=my-cluster in "
                + "namespace strimzi?"), message);
        assertNull(client.apps().deployments().inNamespace(NS).withName("orders-host").get(),
                "the Host waits for the topic");

        // The Topic Operator reports the topic Ready, for the generation it acted on.
        kafkaTopic("orders-notifications").editStatus(t -> {
            t.getAdditionalProperties().put("status", Map.of("topicName", "orders.v1", "observedGeneration",
                    t.getMetadata().getGeneration(), "conditions", List.of(Map.of(
                    "type", "Ready", "status", "True", "lastTransitionTime", "2026-01-01T00:00:00Z"))));
            return t;
        });
        Await.value("TopicReady True", () -> topicCondition("orders", "status").filter("True"::equals),
                Duration.ofSeconds(30));
        // Over three whole reconciles after TopicReady went True, each comparing the KafkaTopic with the one it wants.
        String version = kafkaTopic("orders-notifications").get().getMetadata().getResourceVersion();
        Reconciles.unchangedOver("an up-to-date KafkaTopic not rewritten", operator, 3, Duration.ofSeconds(30),
                () -> assertEquals(version, kafkaTopic("orders-notifications").get().getMetadata().getResourceVersion(),
                        "an up-to-date KafkaTopic is not rewritten"));
        Deployment host = Await.value("the Host, now that the topic is ready", () -> Optional.ofNullable(
                client.apps().deployments().inNamespace(NS).withName("orders-host").get()), Duration.ofSeconds(30));
        assertEquals("my-cluster-kafka-bootstrap.strimzi.svc:9092", host.getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("KAFKA_BOOTSTRAP_SERVERS"))
                .findFirst().orElseThrow().getValue());

        // More partitions: the KafkaTopic's spec changes, and its Ready status (of the older generation) no longer
        // says anything about it. With no Topic Operator acting on it, the status ages as a missing one would.
        DirectModeTest.patch(client, NS, "orders", "{\"spec\":{\"kafka\":{\"topic\":{\"partitions\":6}}}}");
        Await.value("the KafkaTopic at generation 2", () -> Optional.ofNullable(kafkaTopic("orders-notifications")
                .get()).filter(t -> t.getMetadata().getGeneration() == 2L), Duration.ofSeconds(30));
        Await.value("TopicReady False while generation 2 is not acted on", () -> topicCondition("orders", "status")
                .filter("False"::equals), Duration.ofSeconds(30));
        Await.value("a stale status ages into TopicOperatorNotResponding", () -> topicCondition("orders", "reason")
                .filter("TopicOperatorNotResponding"::equals), Duration.ofSeconds(30));
        assertTrue(topicCondition("orders", "message").orElseThrow().contains("its status is about generation 1"),
                topicCondition("orders", "message").orElseThrow());
        kafkaTopic("orders-notifications").editStatus(t -> {
            t.getAdditionalProperties().put("status", Map.of("topicName", "orders.v1", "observedGeneration", 2,
                    "conditions", List.of(Map.of("type", "Ready", "status", "True"))));
            return t;
        });
        Await.value("TopicReady True again once generation 2 is acted on", () -> topicCondition("orders", "status")
                .filter("True"::equals), Duration.ofSeconds(30));

        // Strimzi says why a topic is not ready: the condition passes it on.
        kafkaTopic("orders-notifications").editStatus(t -> {
            t.getAdditionalProperties().put("status", Map.of("observedGeneration", t.getMetadata().getGeneration(),
                    "conditions", List.of(Map.of("type", "Ready",
                    "status", "False", "reason", "KafkaError", "message", "Replication factor: 1 larger than "
                            + "available brokers: 0"))));
            return t;
        });
        Await.value("Strimzi's reason passed on", () -> topicCondition("orders", "message")
                .filter(m -> m.contains("KafkaError: Replication factor: 1 larger than available brokers: 0")),
                Duration.ofSeconds(30));
        assertEquals("KafkaTopicNotReady", topicCondition("orders", "reason").orElseThrow());
        assertTrue(client.apps().deployments().inNamespace(NS).withName("orders-host").get() != null,
                "a topic that stops being ready does not delete the Host");
    }
}
