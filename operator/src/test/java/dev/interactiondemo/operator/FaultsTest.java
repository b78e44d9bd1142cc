package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.interactiondemo.operator.SharedClusterTest.broker;
import static dev.interactiondemo.operator.SharedClusterTest.demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lessons' fault switches: from spec.faults to the pods' configuration, a NetworkPolicy, and the status. */
class FaultsTest {
    private static final String NS = "faults";
    private static KubernetesClient client;
    private static RunningOperator operator;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1");
    }

    @AfterAll
    static void stop() {
        operator.close();
    }

    private static Optional<InteractionDemo> get() {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(NS).withName("lesson").get());
    }

    private static Map<String, String> env(String deployment) {
        Deployment d = client.apps().deployments().inNamespace(NS).withName(deployment).get();
        return d == null ? Map.of() : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> String.valueOf(e.getValue())));
    }

    private static Optional<Condition> faultsActive() {
        return get().filter(d -> d.getStatus() != null).flatMap(d -> d.getStatus().getConditions().stream()
                .filter(c -> "FaultsActive".equals(c.getType())).findFirst());
    }

    private static Map<String, String> hostAnnotations() {
        Map<String, String> a = client.apps().deployments().inNamespace(NS).withName("lesson-host").get().getSpec()
                .getTemplate().getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    @Test
    void faultsReachThePodsAndTheStatusAndGoWhenRemoved() {
        client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("lesson", broker(), "Direct", null))
                .create();
        Await.until("no fault at first", () -> faultsActive().map(c -> "NoFaults".equals(c.getReason()))
                .orElse(false));
        assertFalse(env("lesson-greeter").containsKey("GREETER_FAULT_ERROR_RATE"), "no fault, no setting");

        DirectModeTest.patch(client, NS, "lesson", "{\"spec\":{\"faults\":{\"greeter\":{\"errorRate\":0.3,"
                + "\"unavailable\":true},\"worker\":{\"failBeforeCommit\":0.01},\"kafka\":{\"cutHost\":true}}}}");
        assertEquals("Recreate", client.apps().deployments().inNamespace(NS).withName("lesson-greeter").get().getSpec()
                .getStrategy().getType(), "an unready Greeter must replace the old one, not wait beside it");
        Await.until("the Greeter's faults rolled out", () -> "0.3".equals(env("lesson-greeter")
                .get("GREETER_FAULT_ERROR_RATE")) && "true".equals(env("lesson-greeter").get("GREETER_FAULT_UNAVAILABLE")));
        Await.until("the Worker's fault rolled out", () -> "0.01".equals(env("lesson-worker")
                .get("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT")));
        NetworkPolicy cut = Await.value("the Host cut from Kafka", () -> Optional.ofNullable(client.network().v1()
                .networkPolicies().inNamespace(NS).withName("lesson-host-kafka-cut").get()), Duration.ofSeconds(60));
        assertEquals(Map.of("app.kubernetes.io/instance", "lesson", "app.kubernetes.io/component", "host"),
                cut.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Egress"), cut.getSpec().getPolicyTypes());
        assertEquals(2, cut.getSpec().getEgress().size(), "DNS, and the Greeter: nothing else, so not Kafka");
        assertEquals(53, cut.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal());
        assertEquals(50051, cut.getSpec().getEgress().get(1).getPorts().get(0).getPort().getIntVal());
        assertEquals(Map.of("app.kubernetes.io/instance", "lesson", "app.kubernetes.io/component", "greeter"),
                cut.getSpec().getEgress().get(1).getTo().get(0).getPodSelector().getMatchLabels());
        assertEquals("lesson", cut.getMetadata().getOwnerReferences().get(0).getName());
        Await.until("the Host replaced under the cut (its pods annotated)", () -> "true".equals(hostAnnotations()
                .get("interactiondemo.dev/kafka-cut")));

        Condition active = Await.value("FaultsActive", () -> faultsActive().filter(c -> "True".equals(c.getStatus())
                && c.getMessage().contains("kafka.cutHost")), Duration.ofSeconds(60));
        assertEquals(List.of("greeter.errorRate=0.3", "greeter.unavailable=true", "worker.failBeforeCommit=0.01",
                "kafka.cutHost=true"), get().orElseThrow().getStatus().getFaults());
        assertTrue(active.getMessage().contains("network plugin"), active.getMessage());

        DirectModeTest.patch(client, NS, "lesson", "{\"spec\":{\"faults\":null}}");
        Await.until("the cut lifted", () -> client.network().v1().networkPolicies().inNamespace(NS)
                .withName("lesson-host-kafka-cut").get() == null);
        Await.until("the Host replaced once the cut is lifted", () -> !hostAnnotations()
                .containsKey("interactiondemo.dev/kafka-cut"));
        Await.until("the Greeter's faults removed", () -> !env("lesson-greeter").containsKey("GREETER_FAULT_ERROR_RATE")
                && !env("lesson-greeter").containsKey("GREETER_FAULT_UNAVAILABLE"));
        Await.until("the Worker's fault removed", () -> !env("lesson-worker")
                .containsKey("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT"));
        Await.until("FaultsActive False", () -> faultsActive().map(c -> "False".equals(c.getStatus())).orElse(false));
        assertNull(get().orElseThrow().getStatus().getFaults());
        client.resources(InteractionDemo.class).inNamespace(NS).withName("lesson").delete();
        Await.until("deleted", () -> get().isEmpty());
    }
}
