package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With STRIMZI_API_VERSION=kafka.strimzi.io/v1beta2 the KafkaTopic is written in that version, for Strimzi before 0.49. */
class OlderStrimziTest {
    private static final String NS = "strimzi-v1beta2";

    @Test
    void theKafkaTopicUsesTheConfiguredApiVersion() {
        KubernetesClient client = KubeApi.client();
        KubeApi.namespace(NS);
        try (RunningOperator operator = RunningOperator.start(client, NS,
                Map.of("STRIMZI_API_VERSION", "kafka.strimzi.io/v1beta2"), d -> "localhost:1")) {
            client.resources(InteractionDemo.class).inNamespace(NS).resource(Serialization.unmarshal("""
                    apiVersion: interactiondemo.dev/v1alpha1
                    kind: InteractionDemo
                    metadata: {name: legacy}
                    spec: {kafka: {clusterName: old-cluster}}
                    """, InteractionDemo.class)).create();
            GenericKubernetesResource topic = Await.value("a v1beta2 KafkaTopic", () -> Optional.ofNullable(client
                    .genericKubernetesResources("kafka.strimzi.io/v1beta2", "KafkaTopic").inNamespace(NS)
                    .withName("legacy-notifications").get()), Duration.ofSeconds(60));
            assertEquals("old-cluster", topic.getMetadata().getLabels().get("strimzi.io/cluster"));
            // Over two whole reconciles after the KafkaTopic was written, each comparing it with the one it wants.
            Reconciles.unchangedOver("an up-to-date KafkaTopic not rewritten", operator, 2, Duration.ofSeconds(60),
                    () -> assertEquals(topic.getMetadata().getResourceVersion(), client.genericKubernetesResources(
                            "kafka.strimzi.io/v1beta2", "KafkaTopic").inNamespace(NS).withName("legacy-notifications")
                            .get().getMetadata().getResourceVersion(), "an up-to-date KafkaTopic is not rewritten"));
            // The object was written as v1beta2: the API server records which version each manager applied.
            assertEquals("kafka.strimzi.io/v1beta2", topic.getMetadata().getManagedFields().stream()
                    .filter(f -> "Apply".equals(f.getOperation())).findFirst().orElseThrow().getApiVersion());
        }
    }
}
