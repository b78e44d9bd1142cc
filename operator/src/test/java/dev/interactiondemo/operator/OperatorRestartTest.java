package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A new operator instance takes over existing demos without recreating, duplicating or rewriting anything. */
class OperatorRestartTest {
    private static final String NS = "restart";

    private static Map<String, String> dependents(KubernetesClient client) {
        return Stream.concat(
                client.apps().deployments().inNamespace(NS).withLabel("app.kubernetes.io/instance", "kept").list()
                        .getItems().stream(),
                client.services().inNamespace(NS).withLabel("app.kubernetes.io/instance", "kept").list()
                        .getItems().stream())
                .collect(Collectors.toMap(r -> r.getKind() + "/" + r.getMetadata().getName(),
                        r -> r.getMetadata().getUid() + "@" + r.getMetadata().getResourceVersion()));
    }

    @Test
    void aSecondInstancePicksUpWhereTheFirstLeftOff() {
        KubernetesClient client = KubeApi.client();
        KubeApi.namespace(NS);
        Map<String, String> before;
        try (RunningOperator first = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1")) {
            client.resources(InteractionDemo.class).inNamespace(NS).resource(DirectModeTest.directDemo("kept", "")).create();
            Await.until("four dependents", () -> dependents(client).size() == 4);
            Await.until("a status", () -> Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(NS)
                    .withName("kept").get()).map(d -> d.getStatus() != null).orElse(false));
            before = dependents(client);
        }

        try (KubernetesClient other = KubeApi.newClient();
             RunningOperator second = RunningOperator.start(other, NS, Map.of(), d -> "localhost:1")) {
            // A change made after the restart shows the new instance at work...
            client.resources(InteractionDemo.class).inNamespace(NS).withName("kept")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"host\":{\"messagesPerSecond\":9}}}");
            Await.until("the new instance rolled out the change", () -> client.apps().deployments().inNamespace(NS)
                    .withName("kept-host").get().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                    .stream().anyMatch(e -> e.getName().equals("NOTIFIER_RATE") && e.getValue().equals("9.0")));
            Map<String, String> after = dependents(client);
            // ...and everything else is as it was: same objects, not even rewritten.
            assertEquals(before.keySet(), after.keySet(), "no dependent created or lost");
            for (String key : List.of("Deployment/kept-greeter", "Service/kept-greeter", "Deployment/kept-worker")) {
                assertEquals(before.get(key), after.get(key), key + " untouched");
            }
            assertEquals(before.get("Deployment/kept-host").split("@")[0], after.get("Deployment/kept-host").split("@")[0],
                    "the Host was updated in place, not recreated");
        }
    }
}
