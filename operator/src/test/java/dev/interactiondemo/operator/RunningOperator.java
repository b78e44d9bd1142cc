package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** The operator, started in the test JVM against the test API server, as OperatorMain starts it. */
final class RunningOperator implements AutoCloseable {
    /** How often a test operator asks which Strimzi resources are served (the operator: every 30 s). */
    static final Duration STRIMZI_CHECK = Duration.ofSeconds(1);
    final StrimziAwareOperator running;
    final PrometheusMeterRegistry registry = Metrics.newRegistry();
    final Observers kafka;
    final DemoStatuses statuses = new DemoStatuses(Clock.systemUTC());
    private final GreeterChannels greeters;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private RunningOperator(KubernetesClient client, OperatorConfig config, Function<InteractionDemo, String> greeterEndpoint,
                            Function<Pod, URI> podMetrics) {
        this.greeters = new GreeterChannels(greeterEndpoint);
        this.kafka = Observers.every(config.statusInterval(), Clock.systemUTC(), podMetrics);
        this.running = StrimziAwareOperator.start(client, config, kafka, greeters, registry, stopping, statuses,
                STRIMZI_CHECK);
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

    /** The operator running now (built again when the Strimzi resources served change). */
    Operator operator() {
        return running.operator();
    }

    @Override
    public void close() {
        running.close();
        kafka.close();
        greeters.close();
    }
}
