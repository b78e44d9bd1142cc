package dev.interactiondemo.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterFaults;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's monitoring (the demos' PodMonitor, the operator's ServiceMonitor) and its Grafana dashboard, against
 * real metrics. A real Greeter, Host and Worker (the programs the operator's Deployments run, here in the test JVM,
 * the Host and Worker configured from those Deployments' environment) and the operator with one Direct-mode demo on a
 * real Kafka broker run until messages flow and the Greeter has failed a few calls; each one's {@code /metrics} is
 * scraped over HTTP. From those scrapes and the chart's rendered PodMonitor and ServiceMonitor (which pods and ports
 * they select, the target labels Prometheus adds, their relabelings, honorLabels), the test builds the series
 * Prometheus would store. Then every query of the rendered dashboard is parsed, and every metric, label matcher,
 * grouping label ({@code by}, {@code without}, {@code on}, ...) and legend label must exist there, every selector
 * must select the demo's series with the dashboard's variables set to it, {@code rate()} applies to counters only,
 * and so on; {@link #theCheckRefusesWhatDoesNotExist} shows the check fails on a misspelt name.
 */
class DashboardTest {
    private static final String NS = "dashboard";
    private static final String DEMO = "dash";
    /** Every monitoring object of the chart on. */
    static final String[] MONITORING = {"--set", "podMonitor.enabled=true",
            "--set", "metrics.serviceMonitor.enabled=true", "--set", "dashboards.enabled=true"};
    private static final String DASHBOARD_FILE = "files/interactiondemo-dashboard.json";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KubernetesClient client;
    private static RunningOperator operator;
    private static GreeterServer greeter;
    private static final List<AutoCloseable> running = new ArrayList<>();
    /** The demo's Deployments, as the operator created them, by component. */
    private static final Map<String, Deployment> deployments = new LinkedHashMap<>();
    /** The scrapes, by component: operator, greeter, host, worker. */
    private static final Map<String, Scrape> scrapes = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        GreeterImpl service = new GreeterImpl(256, Duration.ZERO, new GreeterFaults());
        PrometheusMeterRegistry greeterRegistry = Metrics.newRegistry(); // as GreeterMain
        greeter = GreeterServer.start(0, "port", service, greeterRegistry);
        HttpEndpoints greeterHttp = serve(HttpEndpoints.start(0, "metrics", greeterRegistry,
                greeter::notServingReason));
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:" + greeter.port());
        HttpEndpoints operatorHttp = serve(HttpEndpoints.start(0, "http", operator.registry,
                () -> OperatorMain.notReadyReason(operator.operator())));
        client.resources(InteractionDemo.class).inNamespace(NS).resource(DirectModeTest.directDemo(DEMO, "")).create();
        for (String component : List.of("greeter", "host", "worker")) {
            deployments.put(component, reportAvailable(DEMO + "-" + component));
        }
        PrometheusMeterRegistry workerRegistry = notifierRegistry("worker");
        NotificationWorker worker = serve(new NotificationWorker(notifier(deployments.get("worker")), workerRegistry)
                .start());
        HttpEndpoints workerHttp = serve(HttpEndpoints.start(0, "http", workerRegistry, worker::notReadyReason));
        PrometheusMeterRegistry hostRegistry = notifierRegistry("host");
        NotificationHost host = serve(new NotificationHost(notifier(deployments.get("host")), hostRegistry).start());
        HttpEndpoints hostHttp = serve(HttpEndpoints.start(0, "http", hostRegistry, host::notReadyReason));

        // Some failed calls, so that the error series exist, then messages flowing end to end.
        service.faults().setErrorRate(0.5);
        Await.until("failed Greeter calls", () -> scrape(hostHttp).value("notifier_greeter_failures_total") > 0
                && scrape(greeterHttp).value("greeter_calls_total", "code", "UNAVAILABLE") > 0);
        service.faults().setErrorRate(0);
        Await.until("messages through the Greeter, Kafka and the Worker", () ->
                scrape(greeterHttp).value("greeter_calls_total", "code", "OK") > 0
                        && scrape(hostHttp).value("notifier_sent_total") > 0
                        && scrape(workerHttp).value("notifier_end_to_end_latency_seconds_count") > 0);
        Await.until("the operator's gauges: Ready, messages counted", () -> {
            Scrape s = scrape(operatorHttp);
            return s.value("interactiondemo_ready", "name", DEMO) == 1
                    && s.value("interactiondemo_messages_produced", "name", DEMO) > 0
                    && s.value("interactiondemo_messages_consumed", "name", DEMO) > 0;
        });
        scrapes.put("operator", scrape(operatorHttp));
        scrapes.put("greeter", scrape(greeterHttp));
        scrapes.put("host", scrape(hostHttp));
        scrapes.put("worker", scrape(workerHttp));
    }

    @AfterAll
    static void stop() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception ignored) {
                // closing the rest
            }
        }
        if (operator != null) {
            operator.close();
        }
        if (greeter != null) {
            greeter.close();
        }
    }

    // --- the dashboard against the real metrics ---

    @Test
    void everyQueryOfTheDashboardUsesMetricsAndLabelsThatExist() {
        List<HasMetadata> chart = Helm.render(MONITORING);
        Checker checker = new Checker(store(chart));
        JsonNode dashboard = dashboard(chart);
        List<String> problems = checker.checkDashboard(dashboard);
        assertTrue(problems.isEmpty(), "the dashboard's queries:\n  " + String.join("\n  ", problems));

        // What the issue asks of the dashboard is there: per demo Kafka figures and Ready, the Greeter's calls and
        // latency, the Host's publishing and Greeter calls, the Worker's delivery audit and end-to-end latency.
        Set<String> used = checker.metricsUsed;
        for (String metric : List.of("interactiondemo_ready", "interactiondemo_messages_produced",
                "interactiondemo_messages_consumed", "interactiondemo_messages_lag", "greeter_calls_total",
                "greeter_call_duration_seconds_bucket", "notifier_sent_total", "notifier_greeter_calls_total",
                "notifier_greeter_failures_total", "notifier_greeter_latency_seconds_bucket", "notifier_consumed_total",
                "notifier_duplicates_total", "notifier_lost_total", "notifier_end_to_end_latency_seconds_bucket")) {
            assertTrue(used.contains(metric), "the dashboard shows " + metric + "; it uses " + used);
        }
        assertTrue(checker.queriesChecked >= 20, "checked " + checker.queriesChecked + " queries");
    }

    /** The check has teeth: each of these mistakes, in a query or a legend, is reported. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "greeter_call_total{namespace=~\"$namespace\"} | | metric greeter_call_total",
            "interactiondemo_ready{namespace=~\"$namespace\", nmae=~\"$demo\"} | | label nmae",
            "sum by (namespace, nme) (rate(notifier_sent_total[5m])) | | by (nme)",
            "sum without (pood) (notifier_pending) | | without (pood)",
            "interactiondemo_messages_lag{namespace=~\"$namespace\"} | {{namespace}}/{{demo}} | legend label demo",
            "greeter_calls_total{code=\"Unavailable\"} | | selects nothing",
            "rate(interactiondemo_messages_lag[5m]) | | not a counter",
            "deriv(notifier_sent_total[5m]) | | a counter",
            "rates(notifier_sent_total[5m]) | | function rates",
            "sum by (code) (rate(greeter_calls_total[5m])) / sum(rate(greeter_calls_total[5m])) | | different labels",
            "sum(rate(notifier_sent_total[5m])) / on (name) sum(rate(notifier_consumed_total[5m])) | | on (name)",
            "histogram_quantile(0.99, sum by (name) (rate(greeter_call_duration_seconds_bucket[5m]))) | | le label",
            "interactiondemo_ready{namespace=~\"$namespcae\"} | | variable namespcae",
            "rate(notifier_sent_total[5minutes]) | | duration",
            "sum(rate(notifier_sent_total[5m]) | | parse"})
    void theCheckRefusesWhatDoesNotExist(String expr, String legend, String expected) {
        Checker checker = new Checker(store(Helm.render(MONITORING)));
        List<String> problems = checker.checkQuery("a panel", expr, legend == null ? "" : legend);
        assertFalse(problems.isEmpty(), expr + " passed the check");
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "a problem naming " + expected + ": " + problems);
    }

    /**
     * The monitors fit what the operator creates: the PodMonitor selects the demo's three pods and scrapes exactly the
     * port serving /metrics of each (not the Greeter's gRPC port), and labels them with the demo, as the operator
     * labels its gauges; the ServiceMonitor reaches the operator's /metrics through its Service and keeps the demo's
     * namespace on the gauges.
     */
    @Test
    void theMonitorsScrapeWhatTheOperatorCreatesAndLabelItsDemo() {
        List<Series> stored = store(Helm.render(MONITORING));
        for (String component : List.of("greeter", "host", "worker")) {
            List<Series> series = stored.stream().filter(s -> s.source().equals(component)).toList();
            assertFalse(series.isEmpty(), component);
            series.forEach(s -> {
                assertEquals(DEMO, s.labels().get("name"), component + " " + s.labels());
                assertEquals(NS, s.labels().get("namespace"), component + " " + s.labels());
                assertEquals(component, s.labels().get("component"), component + " " + s.labels());
                assertFalse(s.labels().keySet().stream().anyMatch(l -> l.startsWith("exported_")),
                        "no scraped label clashes with a target label: " + s.labels());
            });
        }
        assertEquals("metrics", stored.stream().filter(s -> s.source().equals("greeter")).findFirst().orElseThrow()
                .labels().get("endpoint"));
        assertEquals("http", stored.stream().filter(s -> s.source().equals("host")).findFirst().orElseThrow()
                .labels().get("endpoint"));
        Series ready = stored.stream().filter(s -> s.name().equals("interactiondemo_ready")).findFirst().orElseThrow();
        assertEquals(Map.of("namespace", NS, "name", DEMO), Map.of("namespace", ready.labels().get("namespace"),
                "name", ready.labels().get("name")), "the demo's namespace, not the operator's: " + ready.labels());
        Series jvm = stored.stream().filter(s -> s.source().equals("operator") && s.name().startsWith("jvm_"))
                .findFirst().orElseThrow();
        assertEquals(Helm.RELEASE_NAMESPACE, jvm.labels().get("namespace"), "the operator's own series: its namespace");
    }

    // --- the chart's values ---

    @Test
    void monitoringIsOffByDefault() {
        List<HasMetadata> objects = Helm.render();
        assertTrue(objects.stream().noneMatch(o -> Set.of("PodMonitor", "ServiceMonitor").contains(o.getKind())));
        assertTrue(Helm.ofKind(objects, ConfigMap.class).isEmpty());
        assertTrue(Helm.render("--set", "podMonitor.enabled=true").stream()
                .noneMatch(o -> o instanceof ConfigMap || "ServiceMonitor".equals(o.getKind())), "each on its own");
    }

    @Test
    void theDashboardIsAConfigMapForGrafanasSidecar() throws Exception {
        List<HasMetadata> objects = Helm.render("--set", "dashboards.enabled=true");
        ConfigMap map = Helm.ofKind(objects, ConfigMap.class).get(0);
        assertEquals(Helm.FULLNAME + "-dashboard", map.getMetadata().getName());
        assertEquals(Helm.RELEASE_NAMESPACE, map.getMetadata().getNamespace());
        assertEquals("1", map.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals(Set.of("interactiondemo-dashboard.json"), map.getData().keySet());
        assertEquals(Files.readString(Helm.chart().resolve(DASHBOARD_FILE)),
                map.getData().get("interactiondemo-dashboard.json"), "the file, unchanged");
        JsonNode dashboard = JSON.readTree(map.getData().get("interactiondemo-dashboard.json"));
        assertEquals("interactiondemo-overview", dashboard.get("uid").asText());
        assertEquals(List.of("datasource", "namespace", "demo"), variables(dashboard));

        ConfigMap elsewhere = Helm.ofKind(Helm.render("--set", "dashboards.enabled=true",
                "--set", "dashboards.namespace=monitoring", "--set", "dashboards.labels.grafana_dashboard=yes",
                "--set", "dashboards.labels.team=teaching", "--set", "dashboards.annotations.grafana_folder=Demos"),
                ConfigMap.class).get(0);
        assertEquals("monitoring", elsewhere.getMetadata().getNamespace());
        assertEquals("yes", elsewhere.getMetadata().getLabels().get("grafana_dashboard"), "the sidecar's labelValue");
        assertEquals("teaching", elsewhere.getMetadata().getLabels().get("team"));
        assertEquals(Map.of("grafana_folder", "Demos"), elsewhere.getMetadata().getAnnotations());
    }

    @Test
    void thePodMonitorFollowsTheWatchedNamespacesAndItsValues() {
        GenericKubernetesResource all = one(Helm.render("--set", "podMonitor.enabled=true"), "PodMonitor");
        assertEquals(Map.of("any", true), map(all, "spec", "namespaceSelector"));
        assertEquals(Helm.RELEASE_NAMESPACE, all.getMetadata().getNamespace());
        assertEquals(Helm.FULLNAME + "-demos", all.getMetadata().getName());
        for (Map<String, Object> endpoint : endpoints(all, "podMetricsEndpoints")) {
            assertEquals("30s", endpoint.get("interval"));
            assertFalse(endpoint.containsKey("scrapeTimeout"));
        }

        GenericKubernetesResource some = one(Helm.render("--set", "podMonitor.enabled=true",
                "--set", "watchNamespaces={team-a,team-b}", "--set", "podMonitor.interval=15s",
                "--set", "podMonitor.scrapeTimeout=10s", "--set", "metrics.serviceMonitor.labels.release=prometheus",
                "--set", "metrics.serviceMonitor.labels.team=ops", "--set", "podMonitor.labels.team=teaching"),
                "PodMonitor");
        assertEquals(Map.of("matchNames", List.of("team-a", "team-b")), map(some, "spec", "namespaceSelector"));
        for (Map<String, Object> endpoint : endpoints(some, "podMetricsEndpoints")) {
            assertEquals("15s", endpoint.get("interval"));
            assertEquals("10s", endpoint.get("scrapeTimeout"));
        }
        assertEquals("prometheus", some.getMetadata().getLabels().get("release"), "the ServiceMonitor's labels");
        assertEquals("teaching", some.getMetadata().getLabels().get("team"), "its own win");
    }

    @Test
    void lintsStrictlyWithMonitoringOn() {
        Helm.run(concat(new String[] {"lint", "--strict", Helm.chart().toString()}, MONITORING)).orFail();
        Helm.run(concat(new String[] {"lint", "--strict", Helm.chart().toString(), "--set", "watchNamespaces={a,b}",
                "--set", "podMonitor.interval=1m30s", "--set", "podMonitor.scrapeTimeout=20s",
                "--set", "podMonitor.labels.release=prometheus", "--set", "dashboards.namespace=monitoring",
                "--set", "dashboards.labels.team=teaching", "--set", "dashboards.annotations.grafana_folder=Demos"},
                MONITORING)).orFail();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "podMonitor.enabled=yes | /podMonitor/enabled",
            "podMonitor.enable=true | enable",
            "podMonitor.interval=1.5s | /podMonitor/interval",
            "podMonitor.interval=often | /podMonitor/interval",
            "podMonitor.scrapeTimeout=10 | /podMonitor/scrapeTimeout",
            "podMonitor.labels.release=1 | /podMonitor/labels/release",
            "metrics.serviceMonitor.interval=30s1m | /metrics/serviceMonitor/interval",
            "dashboards.enabled=1 | /dashboards/enabled",
            "dashboards.namespace=Monitoring | /dashboards/namespace",
            "dashboards.label=grafana | label",
            "dashboards.annotations.grafana_folder=1 | /dashboards/annotations/grafana_folder"})
    void theSchemaRejectsBadMonitoringValues(String set, String named) {
        Helm.Result result = Helm.template("--set", set);
        assertNotEquals(0, result.exitCode(), set + " was accepted");
        assertTrue(result.output().contains("values don't meet the specifications of the schema"), result.output());
        assertTrue(result.output().contains(named), "the message names " + named + ":\n" + result.output());
    }

    /**
     * The rendered PodMonitor, ServiceMonitor and dashboard ConfigMap, applied as users apply them
     * ({@code kubectl apply --dry-run=server --validate=strict}) to a real API server serving the monitoring.coreos.com
     * CRDs (a stand-in with a strict schema of the fields in use: src/test/resources/prometheus-operator/).
     */
    @Test
    void theApiServerAcceptsTheMonitorsStrictly() throws Exception {
        try (InputStream in = DashboardTest.class.getResourceAsStream("/prometheus-operator/monitoring-crds.yaml")) {
            for (HasMetadata o : client.load(in).items()) {
                CustomResourceDefinition crd = (CustomResourceDefinition) o;
                client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(c -> c != null && c.getStatus() != null
                                && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                                30, TimeUnit.SECONDS);
            }
        }
        KubeApi.namespace(Helm.RELEASE_NAMESPACE);
        KubeApi.namespace("monitoring");
        Path kubeconfig = Files.createTempFile("dashboard-kubeconfig", ".yaml");
        Path manifest = Files.createTempFile("dashboard-monitors", ".yaml");
        try {
            Files.writeString(kubeconfig, KubeApi.kubeconfig());
            String[] showOnly = {"--show-only", "templates/podmonitor.yaml",
                    "--show-only", "templates/servicemonitor.yaml", "--show-only", "templates/dashboards.yaml"};
            for (String[] values : List.of(MONITORING, concat(MONITORING, "--set", "watchNamespaces={team-a}",
                    "--set", "podMonitor.scrapeTimeout=10s", "--set", "metrics.serviceMonitor.scrapeTimeout=10s",
                    "--set", "podMonitor.labels.release=prometheus", "--set", "dashboards.namespace=monitoring"))) {
                String yaml = Helm.template(concat(values, showOnly)).orFail().output();
                Files.writeString(manifest, yaml);
                Helm.Result applied = Helm.kubectl("--kubeconfig", kubeconfig.toString(), "apply", "--dry-run=server",
                        "--validate=strict", "-f", manifest.toString());
                assertEquals(0, applied.exitCode(), applied.output());
                for (String accepted : List.of("podmonitor.monitoring.coreos.com/" + Helm.FULLNAME + "-demos",
                        "servicemonitor.monitoring.coreos.com/" + Helm.FULLNAME,
                        "configmap/" + Helm.FULLNAME + "-dashboard")) {
                    assertTrue(applied.output().contains(accepted), applied.output());
                }
                assertFalse(applied.output().toLowerCase().contains("warning"), applied.output());

                // The check has teeth: a misspelt field is refused.
                Files.writeString(manifest, yaml.replace("podMetricsEndpoints:", "podMetricEndpoints:"));
                Helm.Result refused = Helm.kubectl("--kubeconfig", kubeconfig.toString(), "apply", "--dry-run=server",
                        "--validate=strict", "-f", manifest.toString());
                assertNotEquals(0, refused.exitCode(), refused.output());
                assertTrue(refused.output().contains("podMetricEndpoints"), refused.output());
            }
        } finally {
            Files.deleteIfExists(kubeconfig);
            Files.deleteIfExists(manifest);
        }
    }

    // --- what Prometheus would store ---

    /** One series as Prometheus stores it: its labels, {@code __name__} included, and where it was scraped. */
    record Series(String source, Map<String, String> labels) {
        String name() {
            return labels.get("__name__");
        }
    }

    /**
     * The series Prometheus stores from the scrapes when configured by the chart's PodMonitor and ServiceMonitor,
     * as the Prometheus Operator turns them into scrape configurations: each target gets the labels namespace,
     * container, pod, endpoint (the port's name), job and instance (and service, for a ServiceMonitor), then the
     * endpoint's relabelings apply; a scraped label that a target label also names is renamed exported_&lt;name&gt;,
     * unless honorLabels. Fails when a monitor does not select what the operator creates.
     */
    static List<Series> store(List<HasMetadata> chart) {
        List<Series> stored = new ArrayList<>();
        GenericKubernetesResource serviceMonitor = one(chart, "ServiceMonitor");
        Map<String, Object> smEndpoint = only(endpoints(serviceMonitor, "endpoints"), "the ServiceMonitor's endpoint");
        Service service = Helm.ofKind(chart, Service.class).stream()
                .filter(s -> selects(map(serviceMonitor, "spec", "selector"), s.getMetadata().getLabels()))
                .reduce((a, b) -> {
                    throw new AssertionError("the ServiceMonitor selects several Services");
                }).orElseThrow(() -> new AssertionError("the ServiceMonitor selects no Service of the chart"));
        assertTrue(inNamespaces(map(serviceMonitor, "spec", "namespaceSelector"), service.getMetadata().getNamespace()),
                "the ServiceMonitor looks in the Service's namespace");
        ServicePort servicePort = service.getSpec().getPorts().stream()
                .filter(p -> p.getName().equals(smEndpoint.get("port"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Service port named " + smEndpoint.get("port")));
        Deployment operatorDeployment = Helm.deployment(chart);
        assertTrue(selects(Map.<String, Object>of("matchLabels", service.getSpec().getSelector()),
                operatorDeployment.getSpec().getTemplate().getMetadata().getLabels()),
                "the Service selects the operator");
        Container operatorContainer = operatorDeployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(operatorContainer.getPorts().stream().anyMatch(p -> p.getName()
                .equals(servicePort.getTargetPort().getStrVal())), "the Service's targetPort is a container port");
        assertEquals("/metrics", smEndpoint.get("path"));
        Map<String, String> operatorTarget = new LinkedHashMap<>();
        operatorTarget.put("namespace", service.getMetadata().getNamespace());
        operatorTarget.put("service", service.getMetadata().getName());
        operatorTarget.put("pod", operatorDeployment.getMetadata().getName() + "-6d4b9c7f5-x2x7q");
        operatorTarget.put("container", operatorContainer.getName());
        operatorTarget.put("endpoint", servicePort.getName());
        operatorTarget.put("job", service.getMetadata().getName());
        operatorTarget.put("instance", "10.244.0.10:" + servicePort.getPort());
        stored.addAll(series("operator", scrapes.get("operator"), operatorTarget,
                Boolean.TRUE.equals(smEndpoint.get("honorLabels"))));

        GenericKubernetesResource podMonitor = one(chart, "PodMonitor");
        Map<String, Integer> metricsPorts = Map.of("greeter", Names.GREETER_METRICS_PORT,
                "host", Names.NOTIFIER_HTTP_PORT, "worker", Names.NOTIFIER_HTTP_PORT);
        assertTrue(inNamespaces(map(podMonitor, "spec", "namespaceSelector"), NS), "the PodMonitor looks in " + NS);
        for (var e : deployments.entrySet()) {
            String component = e.getKey();
            var template = e.getValue().getSpec().getTemplate();
            Map<String, String> podLabels = template.getMetadata().getLabels();
            assertTrue(selects(map(podMonitor, "spec", "selector"), podLabels), "the PodMonitor selects the "
                    + component + "'s pods " + podLabels);
            Container container = template.getSpec().getContainers().get(0);
            List<Map<String, Object>> targets = endpoints(podMonitor, "podMetricsEndpoints").stream()
                    .filter(ep -> container.getPorts().stream().anyMatch(p -> p.getName().equals(ep.get("port"))))
                    .toList();
            Map<String, Object> endpoint = only(targets, "one endpoint of the PodMonitor for the " + component
                    + "'s ports " + container.getPorts().stream().map(ContainerPort::getName).toList());
            ContainerPort port = container.getPorts().stream().filter(p -> p.getName().equals(endpoint.get("port")))
                    .findFirst().orElseThrow();
            assertEquals(metricsPorts.get(component), port.getContainerPort(),
                    component + ": the port serving /metrics");
            assertEquals("/metrics", endpoint.get("path"));
            String pod = e.getValue().getMetadata().getName() + "-5f7d8b9c4-k2m4n";
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("__meta_kubernetes_namespace", NS);
            meta.put("__meta_kubernetes_pod_name", pod);
            meta.put("__meta_kubernetes_pod_container_name", container.getName());
            meta.put("__meta_kubernetes_pod_container_port_name", port.getName());
            podLabels.forEach((k, v) ->
                    meta.put("__meta_kubernetes_pod_label_" + k.replaceAll("[^a-zA-Z0-9_]", "_"), v));
            Map<String, String> target = new LinkedHashMap<>();
            target.put("namespace", NS);
            target.put("container", container.getName());
            target.put("pod", pod);
            target.put("endpoint", port.getName());
            target.put("job", podMonitor.getMetadata().getNamespace() + "/" + podMonitor.getMetadata().getName());
            target.put("instance", "10.244.1.20:" + port.getContainerPort());
            relabel(meta, target, list(endpoint.get("relabelings")));
            stored.addAll(series(component, scrapes.get(component), target,
                    Boolean.TRUE.equals(endpoint.get("honorLabels"))));
        }
        return stored;
    }

    /** Prometheus' relabeling of a target (the replace action, the only one the chart uses). */
    private static void relabel(Map<String, String> meta, Map<String, String> target, List<Map<String, Object>> rules) {
        for (Map<String, Object> rule : rules) {
            String action = String.valueOf(rule.getOrDefault("action", "replace")).toLowerCase();
            assertEquals("replace", action, "the test models the replace action only: " + rule);
            List<String> values = new ArrayList<>();
            for (Object source : list(rule.get("sourceLabels"))) {
                Map<String, String> all = new HashMap<>(meta);
                all.putAll(target);
                assertTrue(all.containsKey((String) source)
                        || ((String) source).startsWith("__meta_kubernetes_pod_label_"),
                        "a source label Prometheus knows: " + source);
                values.add(all.getOrDefault((String) source, ""));
            }
            String value = String.join(String.valueOf(rule.getOrDefault("separator", ";")), values);
            Matcher m = Pattern.compile("^(?:" + rule.getOrDefault("regex", "(.*)") + ")$").matcher(value);
            if (m.matches()) {
                String replacement = String.valueOf(rule.getOrDefault("replacement", "$1"))
                        .replaceAll("\\$\\{(\\d+)}", "\\$$1");
                String result = m.replaceFirst(replacement);
                String label = (String) rule.get("targetLabel");
                if (result.isEmpty()) {
                    target.remove(label);
                } else {
                    target.put(label, result);
                }
            }
        }
    }

    private static List<Series> series(String source, Scrape scrape, Map<String, String> target, boolean honorLabels) {
        List<Series> out = new ArrayList<>();
        for (Scrape.Sample sample : scrape.samples()) {
            Map<String, String> labels = new LinkedHashMap<>(target);
            sample.labels().forEach((k, v) -> {
                if (honorLabels || !target.containsKey(k)) {
                    labels.put(k, v);
                } else {
                    labels.put("exported_" + k, v);
                }
            });
            labels.put("__name__", sample.name());
            out.add(new Series(source, labels));
        }
        return out;
    }

    // --- the Prometheus text format ---

    /** A parsed /metrics response: its samples and the type of each metric family. */
    record Scrape(List<Sample> samples, Map<String, String> types) {
        record Sample(String name, Map<String, String> labels, double value) {
        }

        private static final Pattern LINE =
                Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
        private static final Pattern LABEL =
                Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

        static Scrape parse(String text) {
            List<Sample> samples = new ArrayList<>();
            Map<String, String> types = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split("\\s+");
                    types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher m = LINE.matcher(line);
                    assertTrue(m.matches(), "a sample line: " + line);
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (m.group(2) != null) {
                        Matcher l = LABEL.matcher(m.group(2));
                        int end = 0;
                        while (l.lookingAt()) {
                            labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n")
                                    .replace("\\\\", "\\"));
                            end = l.end();
                            l.region(end, m.group(2).length());
                        }
                        assertEquals(m.group(2).length(), end, "labels of " + line);
                    }
                    samples.add(new Sample(m.group(1), labels, switch (m.group(3)) {
                        case "+Inf" -> Double.POSITIVE_INFINITY;
                        case "-Inf" -> Double.NEGATIVE_INFINITY;
                        default -> Double.parseDouble(m.group(3));
                    }));
                }
            }
            return new Scrape(samples, types);
        }

        /** The sum of the samples of this name with this label value (any, without a label), NaN counted as 0. */
        double value(String name, String... labelAndValue) {
            return samples.stream().filter(s -> s.name().equals(name))
                    .filter(s -> labelAndValue.length == 0 || labelAndValue[1].equals(s.labels().get(labelAndValue[0])))
                    .mapToDouble(s -> Double.isNaN(s.value()) ? 0 : s.value()).sum();
        }

        /** The family's type: counter, gauge, histogram, summary or untyped. */
        String typeOf(String sample) {
            if (types.containsKey(sample)) {
                return types.get(sample);
            }
            for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
                String family = sample.substring(0, Math.max(0, sample.length() - suffix.length()));
                if (sample.endsWith(suffix) && types.containsKey(family)) {
                    return types.get(family);
                }
            }
            return "untyped";
        }
    }

    // --- PromQL ---

    /** A PromQL expression, parsed as Prometheus parses it (the part of the grammar that names metrics and labels). */
    interface Node {
    }

    record Num(double value) implements Node {
    }

    record Str(String value) implements Node {
    }

    record LabelMatcher(String label, String op, String value) {
        boolean matches(String actual) {
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "=~" -> Pattern.compile("^(?:" + value + ")$").matcher(v).matches();
                case "!~" -> !Pattern.compile("^(?:" + value + ")$").matcher(v).matches();
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** {@code metric{matchers}}, with {@code [range]} for a range vector. */
    record Selector(String metric, List<LabelMatcher> matchers, String range) implements Node {
    }

    record Call(String function, List<Node> args) implements Node {
    }

    record Aggregation(String op, List<String> grouping, boolean without, Node param, Node expr) implements Node {
    }

    record Binary(String op, Node lhs, Node rhs, String matching, List<String> matchingLabels, String group,
                  List<String> groupLabels) implements Node {
    }

    record Unary(String op, Node expr) implements Node {
    }

    record Subquery(Node expr, String range) implements Node {
    }

    static final class ParseException extends RuntimeException {
        ParseException(String message) {
            super(message);
        }
    }

    /** A recursive-descent parser of PromQL, with its operator precedence. */
    static final class PromQl {
        private record Token(String type, String text) {
        }

        static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "group", "stddev", "stdvar",
                "topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio");
        static final Set<String> WITH_PARAM = Set.of("topk", "bottomk", "quantile", "count_values", "limitk",
                "limit_ratio");
        private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(Map.entry("or", 1), Map.entry("and", 2),
                Map.entry("unless", 2), Map.entry("==", 3), Map.entry("!=", 3), Map.entry("<=", 3), Map.entry("<", 3),
                Map.entry(">=", 3), Map.entry(">", 3), Map.entry("+", 4), Map.entry("-", 4), Map.entry("*", 5),
                Map.entry("/", 5), Map.entry("%", 5), Map.entry("atan2", 5), Map.entry("^", 6));
        private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
        private static final Pattern NUMBER = Pattern.compile("0x[0-9a-fA-F]+|[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");

        private final List<Token> tokens;
        private int pos;

        private PromQl(List<Token> tokens) {
            this.tokens = tokens;
        }

        static Node parse(String expr) {
            PromQl p = new PromQl(tokenize(expr));
            Node node = p.expr(0);
            if (p.pos != p.tokens.size()) {
                throw new ParseException("unexpected " + p.tokens.get(p.pos).text() + " at token " + p.pos);
            }
            return node;
        }

        static boolean isDuration(String s) {
            return DURATION.matcher(s).matches();
        }

        private static List<Token> tokenize(String s) {
            List<Token> out = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '[') {
                    int end = s.indexOf(']', i);
                    if (end < 0) {
                        throw new ParseException("unclosed [");
                    }
                    out.add(new Token("range", s.substring(i + 1, end).trim()));
                    i = end + 1;
                } else if (c == '"' || c == '\'' || c == '`') {
                    StringBuilder b = new StringBuilder();
                    int j = i + 1;
                    while (j < s.length() && s.charAt(j) != c) {
                        if (s.charAt(j) == '\\' && c != '`' && j + 1 < s.length()) {
                            char n = s.charAt(++j);
                            b.append(switch (n) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                default -> n;
                            });
                        } else {
                            b.append(s.charAt(j));
                        }
                        j++;
                    }
                    if (j >= s.length()) {
                        throw new ParseException("unclosed string");
                    }
                    out.add(new Token("string", b.toString()));
                    i = j + 1;
                } else if (Character.isDigit(c)
                        || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                    Matcher m = NUMBER.matcher(s).region(i, s.length());
                    m.lookingAt();
                    int end = m.end();
                    if (end < s.length() && Character.isLetter(s.charAt(end))) { // a duration: 5m, 1h30m
                        Matcher d = Pattern.compile("[0-9a-zA-Z]+").matcher(s).region(i, s.length());
                        d.lookingAt();
                        out.add(new Token("duration", d.group()));
                        i = d.end();
                    } else {
                        out.add(new Token("number", m.group()));
                        i = end;
                    }
                } else if (Character.isLetter(c) || c == '_' || c == ':') {
                    int j = i;
                    while (j < s.length()
                            && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == ':')) {
                        j++;
                    }
                    out.add(new Token("ident", s.substring(i, j)));
                    i = j;
                } else {
                    String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                    if (Set.of("==", "!=", "<=", ">=", "=~", "!~").contains(two)) {
                        out.add(new Token("op", two));
                        i += 2;
                    } else if ("+-*/%^<>=(){},@".indexOf(c) >= 0) {
                        out.add(new Token("op", String.valueOf(c)));
                        i++;
                    } else {
                        throw new ParseException("unexpected character '" + c + "'");
                    }
                }
            }
            return out;
        }

        private Token peek() {
            return pos < tokens.size() ? tokens.get(pos) : new Token("end", "");
        }

        private boolean at(String text) {
            Token t = peek();
            return !t.type().equals("string") && t.text().equals(text);
        }

        private Token next() {
            if (pos >= tokens.size()) {
                throw new ParseException("unexpected end of the expression");
            }
            return tokens.get(pos++);
        }

        private void expect(String text) {
            Token t = next();
            if (!t.text().equals(text) || t.type().equals("string")) {
                throw new ParseException("expected " + text + " but found " + t.text());
            }
        }

        private String binaryOp() {
            Token t = peek();
            if ((t.type().equals("op") || t.type().equals("ident")) && PRECEDENCE.containsKey(t.text())) {
                return t.text();
            }
            return null;
        }

        private Node expr(int minPrecedence) {
            Node lhs = unary();
            while (true) {
                String op = binaryOp();
                if (op == null || PRECEDENCE.get(op) < minPrecedence) {
                    return lhs;
                }
                next();
                if (at("bool")) {
                    next();
                }
                String matching = null;
                List<String> matchingLabels = List.of();
                if (at("on") || at("ignoring")) {
                    matching = next().text();
                    matchingLabels = labelList();
                }
                String group = null;
                List<String> groupLabels = List.of();
                if (at("group_left") || at("group_right")) {
                    group = next().text();
                    if (at("(")) {
                        groupLabels = labelList();
                    }
                }
                int precedence = PRECEDENCE.get(op);
                Node rhs = expr(op.equals("^") ? precedence : precedence + 1);
                lhs = new Binary(op, lhs, rhs, matching, matchingLabels, group, groupLabels);
            }
        }

        private Node unary() {
            if (at("-") || at("+")) {
                String op = next().text();
                return new Unary(op, unary());
            }
            return postfix(primary());
        }

        private Node postfix(Node node) {
            while (true) {
                Token t = peek();
                if (t.type().equals("range")) {
                    next();
                    String[] parts = t.text().split(":", -1);
                    for (String part : parts.length == 2 && parts[1].isEmpty() ? new String[] {parts[0]} : parts) {
                        if (!isDuration(part.trim())) {
                            throw new ParseException("bad duration [" + t.text() + "]");
                        }
                    }
                    if (parts.length == 1 && node instanceof Selector s && s.range() == null) {
                        node = new Selector(s.metric(), s.matchers(), t.text());
                    } else if (parts.length == 2) {
                        node = new Subquery(node, t.text());
                    } else {
                        throw new ParseException("a range applies to a selector only: [" + t.text() + "]");
                    }
                } else if (at("offset")) {
                    next();
                    if (at("-")) {
                        next();
                    }
                    Token d = next();
                    if (!d.type().equals("duration") || !isDuration(d.text())) {
                        throw new ParseException("bad offset " + d.text());
                    }
                } else if (at("@")) {
                    next();
                    if (at("start") || at("end")) {
                        next();
                        expect("(");
                        expect(")");
                    } else if (!next().type().equals("number")) {
                        throw new ParseException("bad @ modifier");
                    }
                } else {
                    return node;
                }
            }
        }

        private Node primary() {
            Token t = next();
            switch (t.type()) {
                case "number":
                    return new Num(t.text().startsWith("0x") ? Long.parseLong(t.text().substring(2), 16)
                            : Double.parseDouble(t.text()));
                case "string":
                    return new Str(t.text());
                case "op":
                    if (t.text().equals("(")) {
                        Node inner = expr(0);
                        expect(")");
                        return inner;
                    }
                    if (t.text().equals("{")) {
                        pos--;
                        return new Selector(null, matchers(), null);
                    }
                    throw new ParseException("unexpected " + t.text());
                case "ident":
                    String name = t.text();
                    if (AGGREGATIONS.contains(name) && (at("(") || at("by") || at("without"))) {
                        return aggregation(name);
                    }
                    if (at("(")) {
                        return new Call(name, args());
                    }
                    if (name.equalsIgnoreCase("inf") || name.equalsIgnoreCase("nan")) {
                        return new Num(name.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.NaN);
                    }
                    if (PRECEDENCE.containsKey(name) || Set.of("by", "without", "on", "ignoring", "group_left",
                            "group_right", "bool", "offset").contains(name)) {
                        throw new ParseException("unexpected keyword " + name);
                    }
                    return new Selector(name, at("{") ? matchers() : List.of(), null);
                default:
                    throw new ParseException("unexpected " + t.text());
            }
        }

        private Node aggregation(String op) {
            List<String> grouping = null;
            boolean without = false;
            if (at("by") || at("without")) {
                without = next().text().equals("without");
                grouping = labelList();
            }
            List<Node> args = args();
            if (grouping == null && (at("by") || at("without"))) {
                without = next().text().equals("without");
                grouping = labelList();
            }
            int expected = WITH_PARAM.contains(op) ? 2 : 1;
            if (args.size() != expected) {
                throw new ParseException(op + " takes " + expected + " argument(s), not " + args.size());
            }
            return new Aggregation(op, grouping, without, expected == 2 ? args.get(0) : null, args.get(expected - 1));
        }

        private List<Node> args() {
            expect("(");
            List<Node> args = new ArrayList<>();
            while (!at(")")) {
                args.add(expr(0));
                if (!at(")")) {
                    expect(",");
                }
            }
            expect(")");
            return args;
        }

        private List<String> labelList() {
            expect("(");
            List<String> labels = new ArrayList<>();
            while (!at(")")) {
                Token t = next();
                if (!t.type().equals("ident") && !t.type().equals("string")) {
                    throw new ParseException("a label name, not " + t.text());
                }
                labels.add(t.text());
                if (!at(")")) {
                    expect(",");
                }
            }
            expect(")");
            return labels;
        }

        private List<LabelMatcher> matchers() {
            expect("{");
            List<LabelMatcher> matchers = new ArrayList<>();
            while (!at("}")) {
                Token label = next();
                if (!label.type().equals("ident") && !label.type().equals("string")) {
                    throw new ParseException("a label name, not " + label.text());
                }
                Token op = next();
                if (!Set.of("=", "!=", "=~", "!~").contains(op.text()) || op.type().equals("string")) {
                    throw new ParseException("a label matcher operator, not " + op.text());
                }
                Token value = next();
                if (!value.type().equals("string")) {
                    throw new ParseException("a quoted label value, not " + value.text());
                }
                matchers.add(new LabelMatcher(label.text(), op.text(), value.text()));
                if (!at("}")) {
                    expect(",");
                }
            }
            expect("}");
            return matchers;
        }
    }

    // --- the check ---

    /**
     * Checks a dashboard's queries against stored series. The dashboard's variables are set to the test's demo
     * (namespace {@value #NS}, demo {@value #DEMO}), Grafana's interval variables to durations.
     */
    static final class Checker {
        enum Kind { SCALAR, STRING, VECTOR, MATRIX }

        /**
         * What an expression evaluates to: its kind, the label names of its series (null when unknown, after a
         * problem already reported: no more problems follow from it), and the metric it selects.
         */
        record Value(Kind kind, Set<String> labels, String metric) {
            static Value scalar() {
                return new Value(Kind.SCALAR, Set.of(), null);
            }

            boolean known() {
                return labels != null;
            }

            boolean lacks(String label) {
                return labels != null && !labels.contains(label);
            }
        }

        private static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "irate", "increase", "resets");
        private static final Set<String> GAUGE_FUNCTIONS = Set.of("deriv", "delta", "idelta", "predict_linear");
        private static final Set<String> RANGE_FUNCTIONS = Set.of("rate", "irate", "increase", "resets", "deriv",
                "delta", "idelta", "predict_linear", "changes", "avg_over_time", "min_over_time", "max_over_time",
                "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
                "last_over_time", "present_over_time", "absent_over_time", "mad_over_time");
        private static final Set<String> VECTOR_FUNCTIONS = Set.of("abs", "ceil", "floor", "round", "exp", "ln", "log2",
                "log10", "sqrt", "sgn", "clamp", "clamp_min", "clamp_max", "timestamp", "sort", "sort_desc", "acos",
                "asin", "atan", "cos", "sin", "tan", "deg", "rad");
        private static final Set<String> BUILTIN_VARIABLES = Set.of("__rate_interval", "__interval", "__interval_ms",
                "__range", "__range_s", "__range_ms");
        private static final Pattern VARIABLE =
                Pattern.compile("\\$\\{([a-zA-Z0-9_]+)(?::[a-z]+)?}|\\$([a-zA-Z0-9_]+)|\\[\\[([a-zA-Z0-9_]+)]]");
        private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([^}\\s]+)\\s*}}");

        private final List<Series> stored;
        private final Map<String, String> variables = new LinkedHashMap<>();
        final Set<String> metricsUsed = new TreeSet<>();
        int queriesChecked;
        private String where;
        private List<String> problems;

        Checker(List<Series> stored) {
            this.stored = stored;
            variables.put("namespace", NS);
            variables.put("demo", DEMO);
        }

        List<String> checkDashboard(JsonNode dashboard) {
            List<String> all = new ArrayList<>();
            Set<String> defined = new LinkedHashSet<>(variables(dashboard));
            if (!defined.equals(Set.of("datasource", "namespace", "demo"))) {
                all.add("the dashboard's variables are " + defined + ", the check sets datasource, namespace and demo");
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asText().equals("query")) {
                    JsonNode q = variable.path("query");
                    String query = q.isTextual() ? q.asText() : q.path("query").asText();
                    all.addAll(checkVariable("variable " + variable.path("name").asText(), query));
                }
                if (!variable.path("type").asText().equals("datasource")) {
                    all.addAll(checkDatasource("variable " + variable.path("name").asText(),
                            variable.path("datasource")));
                }
            }
            List<JsonNode> panels = new ArrayList<>();
            dashboard.path("panels").forEach(p -> {
                panels.add(p);
                p.path("panels").forEach(panels::add);
            });
            for (JsonNode panel : panels) {
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                String title = "panel \"" + panel.path("title").asText() + "\"";
                all.addAll(checkDatasource(title, panel.path("datasource")));
                if (panel.path("targets").isEmpty()) {
                    all.add(title + ": no query");
                }
                for (JsonNode target : panel.path("targets")) {
                    String where = title + " query " + target.path("refId").asText();
                    all.addAll(checkDatasource(where, target.path("datasource")));
                    all.addAll(checkQuery(where, target.path("expr").asText(), target.path("legendFormat").asText("")));
                }
            }
            return all;
        }

        private static List<String> checkDatasource(String where, JsonNode datasource) {
            if (!datasource.path("type").asText().equals("prometheus")
                    || !datasource.path("uid").asText().equals("${datasource}")) {
                return List.of(where + ": the data source is not the dashboard's Prometheus variable: " + datasource);
            }
            return List.of();
        }

        /** A variable's {@code label_values(selector, label)}. */
        List<String> checkVariable(String where, String query) {
            start(where);
            Matcher m = Pattern.compile("^\\s*label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$")
                    .matcher(query);
            if (!m.matches()) {
                problems.add(where + ": not label_values(selector, label): " + query);
                return problems;
            }
            try {
                Node node = PromQl.parse(substitute(m.group(1)));
                Value v = check(node);
                if (!(node instanceof Selector)) {
                    problems.add(where + ": label_values of a selector, not " + m.group(1));
                } else if (v.lacks(m.group(2))) {
                    problems.add(where + ": label " + m.group(2) + " does not exist on " + m.group(1)
                            + " (" + v.labels() + ")");
                }
            } catch (ParseException e) {
                problems.add(where + ": does not parse: " + e.getMessage() + ": " + query);
            }
            return problems;
        }

        List<String> checkQuery(String where, String expr, String legend) {
            start(where);
            queriesChecked++;
            try {
                Value v = check(PromQl.parse(substitute(expr)));
                if (v.kind() != Kind.VECTOR && v.kind() != Kind.SCALAR) {
                    problems.add(where + ": a panel query must be an instant vector or a scalar, not a " + v.kind());
                }
                Matcher m = LEGEND_LABEL.matcher(legend);
                while (m.find()) {
                    if (v.lacks(m.group(1))) {
                        problems.add(where + ": legend label " + m.group(1) + " is not on the result, which has "
                                + v.labels());
                    }
                }
            } catch (ParseException e) {
                problems.add(where + ": does not parse: " + e.getMessage());
            }
            problems.replaceAll(p -> p.startsWith(where) ? p : where + ": " + p);
            problems.replaceAll(p -> p + "\n      in " + expr);
            return problems;
        }

        private void start(String where) {
            this.where = where;
            this.problems = new ArrayList<>();
        }

        private String substitute(String expr) {
            Matcher m = VARIABLE.matcher(expr);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = Stream.of(m.group(1), m.group(2), m.group(3)).filter(x -> x != null).findFirst()
                        .orElseThrow();
                String value;
                if (variables.containsKey(name)) {
                    value = variables.get(name);
                } else if (BUILTIN_VARIABLES.contains(name)) {
                    value = name.endsWith("_ms") || name.endsWith("_s") ? "60" : name.equals("__range") ? "30m" : "2m";
                } else {
                    problems.add("variable " + name + " is not defined");
                    value = "undefined";
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        private Value check(Node node) {
            if (node instanceof Num) {
                return Value.scalar();
            }
            if (node instanceof Str) {
                return new Value(Kind.STRING, Set.of(), null);
            }
            if (node instanceof Selector s) {
                return selector(s);
            }
            if (node instanceof Unary u) {
                return check(u.expr());
            }
            if (node instanceof Subquery q) {
                Value inner = check(q.expr());
                expectKind(inner, Kind.VECTOR, "a subquery");
                return new Value(Kind.MATRIX, inner.labels(), null);
            }
            if (node instanceof Aggregation a) {
                return aggregation(a);
            }
            if (node instanceof Call c) {
                return call(c);
            }
            if (node instanceof Binary b) {
                return binary(b);
            }
            throw new IllegalStateException(node.toString());
        }

        private Value selector(Selector s) {
            String metric = s.metric();
            List<LabelMatcher> matchers = new ArrayList<>(s.matchers());
            if (metric == null) {
                metric = matchers.stream().filter(m -> m.label().equals("__name__") && m.op().equals("="))
                        .map(LabelMatcher::value).findFirst().orElse(null);
            }
            if (metric == null) {
                problems.add("a selector without a metric name: " + s);
                return new Value(s.range() == null ? Kind.VECTOR : Kind.MATRIX, Set.of(), null);
            }
            String name = metric;
            metricsUsed.add(name);
            List<Series> series = stored.stream().filter(x -> x.name().equals(name)).toList();
            Kind kind = s.range() == null ? Kind.VECTOR : Kind.MATRIX;
            if (series.isEmpty()) {
                problems.add("metric " + name + " does not exist: no scrape (operator, Greeter, Host, Worker) has it");
                return new Value(kind, null, name);
            } else {
                Set<String> labels = series.stream().flatMap(x -> x.labels().keySet().stream())
                        .collect(Collectors.toCollection(TreeSet::new));
                boolean known = true;
                for (LabelMatcher m : matchers) {
                    if (!labels.contains(m.label())) {
                        problems.add("label " + m.label() + " does not exist on " + name + ", which has " + labels);
                        known = false;
                    }
                }
                series = series.stream()
                        .filter(x -> matchers.stream().allMatch(m -> m.matches(x.labels().get(m.label())))).toList();
                if (!known) {
                    return new Value(kind, null, name);
                }
                if (series.isEmpty()) {
                    problems.add(name + matchers + " selects nothing, with namespace=" + NS + ", demo=" + DEMO);
                    return new Value(kind, null, name);
                }
            }
            Set<String> labels = series.stream().flatMap(x -> x.labels().keySet().stream())
                    .filter(l -> !l.equals("__name__")).collect(Collectors.toCollection(TreeSet::new));
            return new Value(kind, labels, name);
        }

        private Value aggregation(Aggregation a) {
            if (a.param() != null) {
                Value param = check(a.param());
                expectKind(param, a.op().equals("count_values") ? Kind.STRING : Kind.SCALAR, a.op() + "'s parameter");
            }
            Value inner = check(a.expr());
            expectKind(inner, Kind.VECTOR, a.op());
            if (!inner.known()) {
                return new Value(Kind.VECTOR, null, null);
            }
            Set<String> labels;
            if (a.grouping() == null) {
                boolean keeps = Set.of("topk", "bottomk", "limitk", "limit_ratio").contains(a.op());
                labels = keeps ? inner.labels() : Set.of();
            } else {
                for (String l : a.grouping()) {
                    if (!inner.labels().contains(l)) {
                        problems.add((a.without() ? "without (" : "by (") + l + "): label " + l
                                + " is not on what " + a.op() + " aggregates, which has " + inner.labels());
                    }
                }
                labels = new TreeSet<>(a.without() ? inner.labels() : a.grouping());
                if (a.without()) {
                    labels.removeAll(a.grouping());
                } else {
                    labels.retainAll(inner.labels());
                }
            }
            if (a.op().equals("count_values") && a.param() instanceof Str s) {
                labels = new TreeSet<>(labels);
                labels.add(s.value());
            }
            return new Value(Kind.VECTOR, labels, null);
        }

        private Value call(Call c) {
            String f = c.function();
            List<Value> args = c.args().stream().map(this::check).toList();
            if (RANGE_FUNCTIONS.contains(f)) {
                Value range = args.isEmpty() ? null : args.get(f.equals("quantile_over_time") ? 1 : 0);
                if (range == null || range.kind() != Kind.MATRIX) {
                    problems.add(f + "() takes a range vector");
                    return new Value(Kind.VECTOR, Set.of(), null);
                }
                if (range.known() && range.metric() != null
                        && (COUNTER_FUNCTIONS.contains(f) || GAUGE_FUNCTIONS.contains(f))) {
                    String type = typeOf(range.metric());
                    boolean counter = type.equals("counter") || (Set.of("histogram", "summary").contains(type)
                            && range.metric().matches(".*_(bucket|count|sum)$"));
                    if (COUNTER_FUNCTIONS.contains(f) && !counter) {
                        problems.add(f + "(" + range.metric() + "): " + range.metric() + " is not a counter but a "
                                + type + "; use deriv() or delta()");
                    }
                    if (GAUGE_FUNCTIONS.contains(f) && counter) {
                        problems.add(f + "(" + range.metric() + "): " + range.metric() + " is a counter; use rate()");
                    }
                }
                return new Value(Kind.VECTOR, range.labels(), null);
            }
            if (VECTOR_FUNCTIONS.contains(f)) {
                if (args.isEmpty() || args.get(0).kind() != Kind.VECTOR) {
                    problems.add(f + "() takes an instant vector");
                    return new Value(Kind.VECTOR, Set.of(), null);
                }
                return new Value(Kind.VECTOR, args.get(0).labels(), null);
            }
            switch (f) {
                case "histogram_quantile": {
                    if (args.size() != 2 || args.get(0).kind() != Kind.SCALAR || args.get(1).kind() != Kind.VECTOR) {
                        problems.add("histogram_quantile(scalar, vector)");
                        return new Value(Kind.VECTOR, Set.of(), null);
                    }
                    if (!args.get(1).known()) {
                        return new Value(Kind.VECTOR, null, null);
                    }
                    if (args.get(1).lacks("le")) {
                        problems.add("histogram_quantile needs the buckets' le label, which its argument lost: "
                                + args.get(1).labels());
                    }
                    Set<String> labels = new TreeSet<>(args.get(1).labels());
                    labels.remove("le");
                    return new Value(Kind.VECTOR, labels, null);
                }
                case "label_replace", "label_join": {
                    if (args.size() < 4 || args.get(0).kind() != Kind.VECTOR) {
                        problems.add(f + "(vector, dst, ...)");
                        return new Value(Kind.VECTOR, Set.of(), null);
                    }
                    if (!args.get(0).known()) {
                        return new Value(Kind.VECTOR, null, null);
                    }
                    List<Node> raw = c.args();
                    List<Node> sources = f.equals("label_replace") ? List.of(raw.get(3)) : raw.subList(3, raw.size());
                    for (Node source : sources) {
                        if (source instanceof Str s && !s.value().isEmpty() && args.get(0).lacks(s.value())) {
                            problems.add(f + ": source label " + s.value() + " is not on " + args.get(0).labels());
                        }
                    }
                    Set<String> labels = new TreeSet<>(args.get(0).labels());
                    if (raw.get(1) instanceof Str dst) {
                        labels.add(dst.value());
                    }
                    return new Value(Kind.VECTOR, labels, null);
                }
                case "vector":
                    return new Value(Kind.VECTOR, Set.of(), null);
                case "scalar", "time", "pi":
                    return Value.scalar();
                case "absent":
                    return new Value(Kind.VECTOR, Set.of(), null);
                default:
                    problems.add("function " + f + "() does not exist in PromQL (or is not known to this check)");
                    return new Value(Kind.VECTOR, Set.of(), null);
            }
        }

        private Value binary(Binary b) {
            Value lhs = check(b.lhs());
            Value rhs = check(b.rhs());
            boolean set = Set.of("and", "or", "unless").contains(b.op());
            if (lhs.kind() == Kind.MATRIX || rhs.kind() == Kind.MATRIX || lhs.kind() == Kind.STRING
                    || rhs.kind() == Kind.STRING) {
                problems.add("operator " + b.op() + " between a " + lhs.kind() + " and a " + rhs.kind());
                return new Value(Kind.VECTOR, Set.of(), null);
            }
            if (lhs.kind() == Kind.SCALAR && rhs.kind() == Kind.SCALAR) {
                return Value.scalar();
            }
            if (!lhs.known() || !rhs.known()) {
                return new Value(Kind.VECTOR, null, null);
            }
            if (lhs.kind() == Kind.SCALAR || rhs.kind() == Kind.SCALAR) {
                if (set) {
                    problems.add("operator " + b.op() + " needs vectors on both sides");
                }
                return new Value(Kind.VECTOR, lhs.kind() == Kind.VECTOR ? lhs.labels() : rhs.labels(), null);
            }
            for (String l : b.matchingLabels()) {
                boolean onBoth = lhs.labels().contains(l) && rhs.labels().contains(l);
                boolean onEither = lhs.labels().contains(l) || rhs.labels().contains(l);
                if (b.matching().equals("on") ? !onBoth : !onEither) {
                    problems.add(b.matching() + " (" + l + "): label " + l + " is not on " + (b.matching().equals("on")
                            ? "both sides" : "either side") + ": " + lhs.labels() + " " + b.op() + " " + rhs.labels());
                }
            }
            Value many = "group_right".equals(b.group()) ? rhs : lhs;
            Value one = "group_right".equals(b.group()) ? lhs : rhs;
            for (String l : b.groupLabels()) {
                if (!one.labels().contains(l)) {
                    problems.add(b.group() + " (" + l + "): label " + l + " is not on the \"one\" side: "
                            + one.labels());
                }
            }
            if (!set && b.matching() == null && !lhs.labels().equals(rhs.labels())) {
                problems.add("operator " + b.op() + " matches series with the same labels, but the two sides have "
                        + "different labels (the result is empty): " + lhs.labels() + " and " + rhs.labels()
                        + "; aggregate them alike, or use on (...)");
            }
            Set<String> labels = new TreeSet<>(many.labels());
            if (b.op().equals("or")) {
                labels.addAll(rhs.labels());
            }
            labels.addAll(b.groupLabels());
            return new Value(Kind.VECTOR, labels, null);
        }

        private void expectKind(Value v, Kind kind, String what) {
            if (v.kind() != kind) {
                problems.add(what + " takes a " + kind + ", not a " + v.kind());
            }
        }

        private String typeOf(String metric) {
            return stored.stream().filter(s -> s.name().equals(metric)).map(s -> scrapes.get(s.source()).typeOf(metric))
                    .findFirst().orElse("untyped");
        }
    }

    // --- helpers ---

    private static JsonNode dashboard(List<HasMetadata> chart) {
        ConfigMap map = Helm.ofKind(chart, ConfigMap.class).stream()
                .filter(c -> "1".equals(c.getMetadata().getLabels().get("grafana_dashboard"))).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard ConfigMap"));
        try {
            return JSON.readTree(map.getData().get("interactiondemo-dashboard.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> variables(JsonNode dashboard) {
        List<String> names = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    private static GenericKubernetesResource one(List<HasMetadata> objects, String kind) {
        List<GenericKubernetesResource> found = objects.stream().filter(o -> kind.equals(o.getKind()))
                .map(GenericKubernetesResource.class::cast).toList();
        assertEquals(1, found.size(), "one " + kind);
        assertEquals("monitoring.coreos.com/v1", found.get(0).getApiVersion());
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(GenericKubernetesResource r, String... path) {
        Object o = r.getAdditionalProperties();
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private static List<Map<String, Object>> endpoints(GenericKubernetesResource r, String field) {
        return list(map(r, "spec").get(field));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        return o == null ? List.of() : (List<T>) o;
    }

    private static <T> T only(List<T> items, String what) {
        assertEquals(1, items.size(), what + ": " + items);
        return items.get(0);
    }

    /** Whether a label selector (matchLabels, matchExpressions) selects these labels. */
    @SuppressWarnings("unchecked")
    private static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        Map<String, String> matchLabels = (Map<String, String>) selector.getOrDefault("matchLabels", Map.of());
        boolean byLabels = matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        boolean byExpressions = list(selector.get("matchExpressions")).stream().map(e -> (Map<String, Object>) e)
                .allMatch(e -> {
                    String value = labels.get((String) e.get("key"));
                    List<String> values = list(e.get("values"));
                    return switch ((String) e.get("operator")) {
                        case "In" -> values.contains(value);
                        case "NotIn" -> !values.contains(value);
                        case "Exists" -> value != null;
                        case "DoesNotExist" -> value == null;
                        default -> throw new AssertionError(e);
                    };
                });
        return byLabels && byExpressions;
    }

    private static boolean inNamespaces(Map<String, Object> namespaceSelector, String namespace) {
        return Boolean.TRUE.equals(namespaceSelector.get("any"))
                || list(namespaceSelector.get("matchNames")).contains(namespace);
    }

    private static <T extends AutoCloseable> T serve(T closeable) {
        running.add(closeable);
        return closeable;
    }

    /** A notifier's registry, as NotifierMain makes it. */
    private static PrometheusMeterRegistry notifierRegistry(String role) {
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        registry.config().commonTags(List.of(Tag.of("role", role)));
        return registry;
    }

    /** A notifier configured from its Deployment's environment; only the Greeter's address and the port differ. */
    private static NotifierConfig notifier(Deployment d) {
        Map<String, String> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        return NotifierConfig.from(new String[] {"--greeter-target=localhost:" + greeter.port(), "--http-port=0"}, env);
    }

    private static Deployment reportAvailable(String name) {
        return KubeApi.reportAvailable(NS, name, 1);
    }

    /** GET /metrics, as Prometheus scrapes it. */
    private static Scrape scrape(HttpEndpoints endpoints) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + endpoints.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, response.statusCode());
            return Scrape.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String[] concat(String[] first, String... more) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(more)).toArray(String[]::new);
    }

}
