package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalogue's lessons on the real API server and a real broker, each on a demo of its own whose parts run for real
 * (the {@link LocalKubelet}): every lesson reaches its verdict through the operator, as on a cluster.
 */
class CatalogueLessonsTest {
    private static final String NS = "catalogue";
    private static KubernetesClient client;
    private static LocalKubelet kubelet;
    private static RunningOperator operator;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        kubelet = new LocalKubelet(client, NS);
        operator = RunningOperator.start(client, NS, Map.of(), kubelet::greeterEndpoint, kubelet::metrics);
    }

    @AfterAll
    static void stop() {
        operator.close();
        kubelet.close();
    }

    /** A demo as the catalogue's lessons expect it: three partitions (the scale-out lesson's idle fourth Worker). */
    static InteractionDemo demo(String name) {
        return DirectModeTest.directDemo(name, 3, "");
    }

    private static Optional<InteractionDemo> get(String name) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(NS).withName(name).get());
    }

    private static boolean conditionTrue(InteractionDemo d, String type) {
        return d.getStatus() != null && d.getStatus().getConditions() != null && d.getStatus().getConditions()
                .stream().anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True"));
    }

    @Test
    void aDemoRunsOnTheLocalKubelet() {
        client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("plain")).create();
        InteractionDemo d = Await.value("plain Ready with messages flowing and the pods' figures", () -> get("plain")
                .filter(x -> conditionTrue(x, "Ready") && conditionTrue(x, "MessagesFlowing")
                        && x.getStatus().getDelivery() != null && x.getStatus().getDelivery().getDelivered() > 0),
                Duration.ofSeconds(90));
        assertTrue(d.getStatus().getMessages().getProducedPerSecond() > 0, "a produce rate");
        Map<String, Integer> running = new HashMap<>(kubelet.running());
        assertTrue(running.getOrDefault("plain-worker", 0) == 1, String.valueOf(running));
        client.resources(InteractionDemo.class).inNamespace(NS).withName("plain").delete();
    }
}
