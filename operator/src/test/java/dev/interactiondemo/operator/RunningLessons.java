package dev.interactiondemo.operator;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.observe.Observers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The operator with only its InteractionLesson reconciler, registered as OperatorMain registers it: the test plays
 * the demo's status (its figures scripted), which the InteractionDemo reconciler would otherwise write.
 */
final class RunningLessons implements AutoCloseable {
    final PrometheusMeterRegistry registry = Metrics.newRegistry();
    private final Observers kafka = Observers.every(Duration.ofSeconds(1), Clock.systemUTC());
    private final Operator operator;

    private RunningLessons(KubernetesClient client, String namespace) {
        OperatorConfig config = OperatorConfig.from(new String[0], Map.of("WATCH_NAMESPACES", namespace,
                "OPERATOR_HTTP_PORT", "0"));
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        OperatorMain.registerLessons(operator, config, kafka, registry);
        operator.start();
    }

    /** Runs the lessons of {@code namespace}. */
    static RunningLessons start(KubernetesClient client, String namespace) {
        return new RunningLessons(client, namespace);
    }

    /** The count of lesson runs that ended with {@code verdict}, as /metrics shows it. */
    double verdicts(String lesson, String verdict) {
        var c = registry.find("interactiondemo_lesson_verdicts").tag("lesson", lesson).tag("verdict", verdict)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        operator.stop();
        kafka.close();
    }
}
