package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strimzi installed after the operator is picked up without restarting it: a Strimzi-mode demo says
 * {@code StrimziNotInstalled} until the KafkaTopic CRD is served, then gets its KafkaTopic. On an API server of its
 * own (the other tests' has Strimzi's CRDs from the start).
 */
class StrimziInstalledLaterTest {
    private static final String NS = "strimzi-later";

    private static Optional<Condition> topicReady(KubernetesClient client) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(NS).withName("late").get())
                .filter(d -> d.getStatus() != null).flatMap(d -> d.getStatus().getConditions().stream()
                        .filter(c -> "TopicReady".equals(c.getType())).findFirst());
    }

    @Test
    void aStrimziInstalledLaterIsPickedUpWithoutARestart() {
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(KubeApi.pinnedKubeVersion()).build());
        server.start();
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build()) {
            KubeApi.installInteractionDemoCrd(client);
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                    .create();
            try (RunningOperator operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1")) {
                assertFalse(operator.running.served().topics(), "no KafkaTopic served yet");
                var first = operator.operator();
                client.resources(InteractionDemo.class).inNamespace(NS).resource(Serialization.unmarshal("""
                        apiVersion: interactiondemo.dev/v1alpha1
                        kind: InteractionDemo
                        metadata: {name: late}
                        spec: {kafka: {clusterName: my-cluster}}
                        """, InteractionDemo.class)).create();
                Condition missing = Await.value("StrimziNotInstalled", () -> topicReady(client)
                        .filter(c -> "StrimziNotInstalled".equals(c.getReason())), Duration.ofSeconds(60));
                assertTrue(missing.getMessage().contains("install Strimzi"), missing.getMessage());
                assertSame(first, operator.operator(), "nothing changed: the same controller");

                KubeApi.install(client, client.apiextensions().v1().customResourceDefinitions()
                        .load(StrimziInstalledLaterTest.class.getResourceAsStream("/strimzi/kafkatopics-crd.yaml"))
                        .item());
                GenericKubernetesResource topic = Await.value("the KafkaTopic, once Strimzi's CRD is served", () ->
                        Optional.ofNullable(client.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic")
                                .inNamespace(NS).withName("late-notifications").get()), Duration.ofSeconds(60));
                assertEquals("my-cluster", topic.getMetadata().getLabels().get("strimzi.io/cluster"));
                Await.value("the status waiting for the Topic Operator", () -> topicReady(client)
                        .filter(c -> "WaitingForTopicOperator".equals(c.getReason())), Duration.ofSeconds(60));
                assertTrue(operator.running.served().topics());
                assertNotSame(first, operator.operator(), "the controller was built again, in the same process");
            }
        } finally {
            server.stop();
        }
    }
}
