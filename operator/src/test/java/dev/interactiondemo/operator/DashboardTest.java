package dev.interactiondemo.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterFaults;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import dev.interactiondemo.operator.PrometheusTargets.Series;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.interactiondemo.operator.PrometheusTargets.endpoints;
import static dev.interactiondemo.operator.PrometheusTargets.map;
import static dev.interactiondemo.operator.PrometheusTargets.one;
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
 * The parts: {@link Scrape} (a /metrics response), {@link PrometheusTargets} (what Prometheus would store),
 * {@link PromQl} (the queries parsed) and {@link DashboardQueryCheck} (the queries checked).
 */
class DashboardTest {
    private static final String NS = "dashboard";
    private static final String DEMO = "dash";
    /** Every monitoring object of the chart on. */
    static final String[] MONITORING = {"--set", "podMonitor.enabled=true",
            "--set", "metrics.serviceMonitor.enabled=true", "--set", "dashboards.enabled=true"};
    private static final String DASHBOARD_FILE = "files/interactiondemo-dashboard.json";
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
        Await.until("failed Greeter calls", () -> Scrape.of(hostHttp).value("notifier_greeter_failures_total") > 0
                && Scrape.of(greeterHttp).value("greeter_calls_total", "code", "UNAVAILABLE") > 0);
        service.faults().setErrorRate(0);
        Await.until("messages through the Greeter, Kafka and the Worker", () ->
                Scrape.of(greeterHttp).value("greeter_calls_total", "code", "OK") > 0
                        && Scrape.of(hostHttp).value("notifier_sent_total") > 0
                        && Scrape.of(workerHttp).value("notifier_end_to_end_latency_seconds_count") > 0);
        Await.until("the operator's gauges: Ready, messages counted", () -> {
            Scrape s = Scrape.of(operatorHttp);
            return s.value("interactiondemo_ready", "name", DEMO) == 1
                    && s.value("interactiondemo_messages_produced", "name", DEMO) > 0
                    && s.value("interactiondemo_messages_consumed", "name", DEMO) > 0;
        });
        scrapes.put("operator", Scrape.of(operatorHttp));
        scrapes.put("greeter", Scrape.of(greeterHttp));
        scrapes.put("host", Scrape.of(hostHttp));
        scrapes.put("worker", Scrape.of(workerHttp));
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
        DashboardQueryCheck checker = check(chart);
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
        DashboardQueryCheck checker = check(Helm.render(MONITORING));
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
        assertEquals(List.of("datasource", "namespace", "demo"), DashboardQueryCheck.variables(dashboard));

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
        Helm.run(Helm.concat(new String[] {"lint", "--strict", Helm.chart().toString()}, MONITORING)).orFail();
        Helm.run(Helm.concat(new String[] {"lint", "--strict", Helm.chart().toString(), "--set", "watchNamespaces={a,b}",
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
            for (String[] values : List.of(MONITORING, Helm.concat(MONITORING, "--set", "watchNamespaces={team-a}",
                    "--set", "podMonitor.scrapeTimeout=10s", "--set", "metrics.serviceMonitor.scrapeTimeout=10s",
                    "--set", "podMonitor.labels.release=prometheus", "--set", "dashboards.namespace=monitoring"))) {
                String yaml = Helm.template(Helm.concat(values, showOnly)).orFail().output();
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

    // --- helpers ---

    /** The series Prometheus would store from this test's scrapes, with the chart's monitors as rendered. */
    private static List<Series> store(List<HasMetadata> chart) {
        return PrometheusTargets.store(chart, NS, deployments, scrapes);
    }

    /** The check of queries against those series, the dashboard's variables set to this test's demo. */
    private static DashboardQueryCheck check(List<HasMetadata> chart) {
        return new DashboardQueryCheck(store(chart), scrapes, NS, DEMO);
    }

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
        return NotifierConfig.from(new String[] {"--greeter-target=localhost:" + greeter.port(), "--http-port=0"},
                Helm.env(d));
    }

    private static Deployment reportAvailable(String name) {
        return KubeApi.reportAvailable(NS, name, 1);
    }
}
