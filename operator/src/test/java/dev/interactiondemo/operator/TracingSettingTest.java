package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.interactiondemo.operator.SharedClusterTest.broker;
import static dev.interactiondemo.operator.SharedClusterTest.demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The operator's OTLP endpoint reaches the demos' pods as the standard OpenTelemetry settings; none without it. */
class TracingSettingTest {

    private static Map<String, String> env(KubernetesClient client, String ns, String deployment) {
        Deployment d = Await.value(deployment, () -> Optional.ofNullable(client.apps().deployments().inNamespace(ns)
                .withName(deployment).get()), java.time.Duration.ofSeconds(60));
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> String.valueOf(e.getValue())));
    }

    @Test
    void theEndpointReachesEveryPartNamedAfterIt() {
        KubernetesClient client = KubeApi.client();
        String ns = KubeApi.namespace("traced");
        try (RunningOperator operator = RunningOperator.start(client, ns,
                Map.of("OTLP_ENDPOINT", "http://collector.observability:4318"), d -> "localhost:1")) {
            client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("t", broker(), "Direct", null))
                    .create();
            for (var part : Map.of("t-greeter", "greeter", "t-host", "notifier-host", "t-worker", "notifier-worker")
                    .entrySet()) {
                Map<String, String> env = env(client, ns, part.getKey());
                assertEquals("http://collector.observability:4318", env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
                assertEquals(part.getValue(), env.get("OTEL_SERVICE_NAME"));
                assertEquals("k8s.namespace.name=traced,interactiondemo.name=t", env.get("OTEL_RESOURCE_ATTRIBUTES"));
            }
        }
    }

    @Test
    void withoutAnEndpointNothingIsTraced() {
        KubernetesClient client = KubeApi.client();
        String ns = KubeApi.namespace("untraced");
        try (RunningOperator operator = RunningOperator.start(client, ns, Map.of(), d -> "localhost:1")) {
            client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("u", broker(), "Direct", null))
                    .create();
            assertFalse(env(client, ns, "u-greeter").containsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
    }
}
