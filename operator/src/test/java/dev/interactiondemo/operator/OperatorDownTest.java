package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.interactiondemo.operator.SharedClusterTest.broker;
import static dev.interactiondemo.operator.SharedClusterTest.demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator that is down, or that restricts addresses, means for the tenants: only Direct-mode demos carry a
 * finalizer, so only they wait for the operator when deleted (as the namespace controller deletes a namespace's
 * demos); the allow-list keeps a demo from any address outside it.
 */
class OperatorDownTest {
    private static final String NS = "tenant-down";
    private static final String LOCKED = "tenant-locked";
    private static KubernetesClient client;
    private static Admin admin;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        KubeApi.namespace(LOCKED);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker()));
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    private static Optional<InteractionDemo> get(String ns, String name) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(ns).withName(name).get());
    }

    private static boolean topicExists(String topic) {
        try {
            return admin.listTopics().names().get().contains(topic);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyDirectModeDemosWaitForAnOperatorThatIsDown() {
        String topic = NS + ".direct-notifications";
        try (RunningOperator operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1")) {
            client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("direct", broker(), "Direct", null))
                    .create();
            client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("external", broker(), "External",
                    "someone-elses")).create();
            Await.until("the Direct demo's topic and finalizer", () -> topicExists(topic) && get(NS, "direct")
                    .map(d -> d.hasFinalizer(InteractionDemoReconciler.FINALIZER)).orElse(false));
            Await.until("the External demo reconciled", () -> get(NS, "external").map(d -> d.getStatus() != null)
                    .orElse(false));
            assertTrue(get(NS, "external").orElseThrow().getMetadata().getFinalizers().isEmpty(),
                    "nothing to clean up: no finalizer");
        }
        // The operator is down. Deleting the namespace's demos, as the namespace controller does:
        client.resources(InteractionDemo.class).inNamespace(NS).withName("external").delete();
        client.resources(InteractionDemo.class).inNamespace(NS).withName("direct").delete();
        Await.until("the External demo gone at once", () -> get(NS, "external").isEmpty());
        assertTrue(get(NS, "direct").isPresent(), "the Direct demo waits for its topic to be deleted");
        assertTrue(topicExists(topic));

        try (RunningOperator operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1")) {
            Await.until("the Direct demo gone once the operator is back", () -> get(NS, "direct").isEmpty());
            // Kafka deletes a topic asynchronously: the brokers' metadata follows the controller a moment later.
            Await.until("its topic deleted", () -> !topicExists(topic));
        }
    }

    @Test
    void anAddressOutsideTheAllowListGetsNoKafkaClientAndNoPods() {
        try (RunningOperator operator = RunningOperator.start(client, LOCKED,
                Map.of("ALLOWED_BOOTSTRAP_SERVERS", "*.kafka.svc:9092,kafka.shared:9093"), d -> "localhost:1")) {
            client.resources(InteractionDemo.class).inNamespace(LOCKED).resource(demo("elsewhere", broker(), "Direct",
                    null)).create();
            Condition ready = Await.value("Ready with reason BootstrapNotAllowed", () -> get(LOCKED, "elsewhere")
                    .filter(d -> d.getStatus() != null).flatMap(d -> d.getStatus().getConditions().stream()
                            .filter(c -> "Ready".equals(c.getType()) && "BootstrapNotAllowed".equals(c.getReason()))
                            .findFirst()), Duration.ofSeconds(60));
            assertTrue(ready.getMessage().contains(broker()) && ready.getMessage().contains("*.kafka.svc:9092"),
                    ready.getMessage());
            Await.until("the Greeter deployed", () -> client.apps().deployments().inNamespace(LOCKED)
                    .withName("elsewhere-greeter").get() != null);
            assertEquals(List.of("elsewhere-greeter"), client.apps().deployments().inNamespace(LOCKED).list()
                    .getItems().stream().map(d -> d.getMetadata().getName()).toList(), "no Host, no Worker");
            assertFalse(topicExists(LOCKED + ".elsewhere-notifications"), "the operator did not touch that Kafka");
            client.resources(InteractionDemo.class).inNamespace(LOCKED).withName("elsewhere").delete();
            Await.until("deleted", () -> get(LOCKED, "elsewhere").isEmpty());
        }
    }
}
