package dev.interactiondemo.bench;

import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.Settings;
import dev.interactiondemo.operator.GreeterChannels;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.OperatorMain;
import dev.interactiondemo.operator.observe.Observers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator process of the scale benchmark: what {@code OperatorMain.main} does (same settings from the
 * environment, same {@code OperatorMain.start}, same /healthz /readyz /metrics), except where the Greeter health
 * checks go. Outside a cluster {@code <name>-greeter.<ns>.svc} does not resolve, so each InteractionDemo's checks go
 * to one real Greeter at {@code 127.1.x.y:$BENCH_GREETER_PORT}: a distinct loopback address per demo, so there is one
 * gRPC channel (and connection) per demo, as in a cluster.
 */
public final class OperatorLauncher {
    private OperatorLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        OperatorConfig config = OperatorConfig.from(Settings.parse(OperatorConfig.OPTIONS, args, System.getenv()));
        int greeterPort = Integer.parseInt(System.getenv("BENCH_GREETER_PORT"));
        Map<String, String> addresses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        GreeterChannels greeters = new GreeterChannels(d -> addresses.computeIfAbsent(
                d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), k -> {
                    int i = next.getAndIncrement();
                    return "127.1." + (i / 250) + "." + (i % 250 + 1) + ":" + greeterPort;
                }));
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        KubernetesClient client = new KubernetesClientBuilder().build();
        Observers kafka = Observers.every(config.statusInterval(), Clock.systemUTC());
        Operator operator = OperatorMain.start(client, config, kafka, greeters, registry);
        HttpEndpoints http = HttpEndpoints.start(config.httpPort(), "OPERATOR_HTTP_PORT", registry,
                () -> OperatorMain.notReadyReason(operator));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.stop();
            client.close();
            kafka.close();
            greeters.close();
            http.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
