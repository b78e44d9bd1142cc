package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.greeter.GreeterFaults;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterService;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

class DashboardTest {
    private static final String NS = "dashboard";
    private static final String DEMO = "dash";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static GreeterServer greeter;
    private static GreeterFaults faults;
    private static HttpEndpoints greeterHttp;
    private static HttpEndpoints operatorHttp;
    private static HttpEndpoints hostHttp;
    private static HttpEndpoints workerHttp;
    private static NotificationHost host;
    private static NotificationWorker worker;

    @BeforeAll
    static void start() throws Exception {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        GreeterService service = new GreeterService(256, Duration.ZERO, new GreeterFaults());
        faults = service.faults();
        PrometheusMeterRegistry greeterRegistry = Metrics.newRegistry();
        greeter = GreeterServer.start(0, "port", service, greeterRegistry);
        greeterHttp = HttpEndpoints.start(0, "metrics port", greeterRegistry, greeter::notServingReason);
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:" + greeter.port());
        operatorHttp = HttpEndpoints.start(0, "http port", operator.registry,
                () -> OperatorMain.notReadyReason(operator.operator));
        client.resources(InteractionDemo.class).inNamespace(NS).resource(DirectModeTest.directDemo(DEMO, "")).create();
        Deployment greeterDeployment = reportAvailable(DEMO + "-greeter");
        Deployment hostDeployment = reportAvailable(DEMO + "-host");
        Deployment workerDeployment = reportAvailable(DEMO + "-worker");
        PrometheusMeterRegistry workerRegistry = notifierRegistry("worker");
        worker = new NotificationWorker(notifier(workerDeployment), workerRegistry).start();
        workerHttp = HttpEndpoints.start(0, "http port", workerRegistry, worker::notReadyReason);
        PrometheusMeterRegistry hostRegistry = notifierRegistry("host");
        host = new NotificationHost(notifier(hostDeployment), hostRegistry).start();
        hostHttp = HttpEndpoints.start(0, "http port", hostRegistry, host::notReadyReason);
        faults.setErrorRate(0.5);
        Await.until("failed Greeter calls", () -> scrape(hostHttp).contains("notifier_greeter_failures_total"));
        faults.setErrorRate(0);
        Await.until("the demo Ready", () -> scrape(operatorHttp).contains("interactiondemo_ready{name=\"dash\",namespace=\"dashboard\"} 1"));
        Path dir = Path.of("target", "dashboard-scrapes");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("operator.txt"), scrape(operatorHttp));
        Files.writeString(dir.resolve("greeter.txt"), scrape(greeterHttp));
        Files.writeString(dir.resolve("host.txt"), scrape(hostHttp));
        Files.writeString(dir.resolve("worker.txt"), scrape(workerHttp));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {host, worker, hostHttp, workerHttp, operatorHttp, greeterHttp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
            }
        }
        if (operator != null) {
            operator.close();
        }
        if (greeter != null) {
            greeter.close();
        }
    }

    @Test
    void dump() {
    }

    private static PrometheusMeterRegistry notifierRegistry(String role) {
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        registry.config().commonTags(java.util.List.of(Tag.of("role", role)));
        return registry;
    }

    private static NotifierConfig notifier(Deployment d) {
        Map<String, String> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        return NotifierConfig.from(new String[] {"--greeter-target=localhost:" + greeter.port(), "--http-port=0"}, env);
    }

    private static Deployment reportAvailable(String name) {
        Await.until(name, () -> Optional.ofNullable(client.apps().deployments().inNamespace(NS).withName(name).get()),
                Duration.ofSeconds(60));
        return client.apps().deployments().inNamespace(NS).withName(name).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1)
                    .withAvailableReplicas(1).withUpdatedReplicas(1).build());
            return d;
        });
    }

    private static String scrape(HttpEndpoints endpoints) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + endpoints.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
