package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.operator.observe.Observers;
import dev.interactiondemo.operator.observe.PodMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** The operator, started in the test JVM against the test API server, as OperatorMain starts it. */
final class RunningOperator implements AutoCloseable {
    final Operator operator;
    final PrometheusMeterRegistry registry = Metrics.newRegistry();
    final Observers kafka;
    final DemoStatuses statuses = new DemoStatuses(Clock.systemUTC());
    private final GreeterChannels greeters;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private RunningOperator(KubernetesClient client, OperatorConfig config, Function<InteractionDemo, String> greeterEndpoint,
                            Function<Pod, URI> podMetrics) {
        this.greeters = new GreeterChannels(greeterEndpoint);
        this.kafka = Observers.every(config.statusInterval(), Clock.systemUTC(), podMetrics);
        this.operator = OperatorMain.start(client, config, kafka, greeters, registry, stopping, statuses);
    }

    /** Watches {@code namespace}; {@code env} overrides the test defaults (a 1 s status interval). */
    static RunningOperator start(KubernetesClient client, String namespace, Map<String, String> env,
                                 Function<InteractionDemo, String> greeterEndpoint) {
        return start(client, namespace, env, greeterEndpoint, pod -> PodMetrics.inCluster(pod, 8080));
    }

    /** As above; {@code podMetrics} says where a Host's or Worker's /metrics are (they run in the test JVM). */
    static RunningOperator start(KubernetesClient client, String namespace, Map<String, String> env,
                                 Function<InteractionDemo, String> greeterEndpoint, Function<Pod, URI> podMetrics) {
        Map<String, String> all = new HashMap<>(Map.of("WATCH_NAMESPACES", namespace, "STATUS_INTERVAL", "1s",
                "GREETER_IMAGE", "example.org/greeter:test", "NOTIFIER_IMAGE", "example.org/notifier:test",
                "OPERATOR_HTTP_PORT", "0"));
        all.putAll(env);
        return new RunningOperator(client, OperatorConfig.from(new String[0], all), greeterEndpoint, podMetrics);
    }

    @Override
    public void close() {
        stopping.set(true);
        operator.stop();
        kafka.close();
        greeters.close();
    }
}
