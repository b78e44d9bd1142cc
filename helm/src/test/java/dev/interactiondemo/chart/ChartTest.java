package dev.interactiondemo.chart;

import dev.interactiondemo.operator.CrdIsCommittedTest;
import dev.interactiondemo.operator.Helm;
import dev.interactiondemo.operator.KubeApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.interactiondemo.operator.Helm.deployment;
import static dev.interactiondemo.operator.Helm.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart as a whole, linted and rendered by the real helm binary: lint with default and other values, its
 * versions, the CRD copy in the chart, the values the schema rejects and those refused together, every object named
 * after fullnameOverride; installed and uninstalled on a real API server. What it installs is tested by concern
 * beside it: {@link ChartRbacTest} (RBAC), {@link ChartDeploymentTest} (the operator's Deployment and Service),
 * {@link ChartNetworkPolicyTest}. (The operator module's RbacTest runs the operator with the rendered permissions
 * against a real API server; Helm and KubeApi come from the operator's test jar.)
 */
class ChartTest {
    @Test
    void lintsStrictly() {
        Helm.run("lint", "--strict", Helm.chart().toString()).orFail();
        Helm.run("lint", "--strict", Helm.chart().toString(), "--set", "watchNamespaces={a,b}",
                "--set", "metrics.serviceMonitor.enabled=true", "--set", "leaderElection.enabled=false",
                "--set", "kafka.allowedBootstrapServers={*.kafka.svc:9092}", "--set", "networkPolicy.enabled=true",
                "--set", "networkPolicy.apiServer[0].cidr=10.96.0.1/32", "--set", "networkPolicy.apiServer[0].port=443")
                .orFail();
    }

    @Test
    void chartVersionsAreTheProjectVersion() throws Exception {
        Path root = Helm.repository();
        Matcher m = Pattern.compile("<artifactId>interaction-demo-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml")));
        assertTrue(m.find());
        String version = m.group(1);
        Map<?, ?> chart = Serialization.unmarshal(Files.readString(Helm.chart().resolve("Chart.yaml")), Map.class);
        assertEquals(version, chart.get("version"), "Chart.yaml version");
        assertEquals(version, chart.get("appVersion"), "Chart.yaml appVersion");
    }

    /**
     * The chart's crds/ holds the repository's crds/, file for file and byte for byte (helm installs the CRD from
     * there). Only compares: the operator's CrdIsCommittedTest, run with {@code -Dcrd.update=true}, writes both, and
     * this is skipped in such a run.
     */
    @Test
    @DisabledIfSystemProperty(named = "crd.update", matches = "true", disabledReason = CrdIsCommittedTest.UPDATE_RUN)
    void theChartCarriesTheCommittedCrd() throws Exception {
        Path committed = Path.of(System.getProperty("committed.crds"));
        Path inChart = Helm.chart().resolve("crds");
        assertEquals(fileNames(committed), fileNames(inChart),
                "helm/interaction-demo-operator/crds/ holds the files of crds/");
        for (String file : fileNames(committed)) {
            assertEquals(Files.readString(committed.resolve(file)), Files.readString(inChart.resolve(file)),
                    "helm/interaction-demo-operator/crds/" + file + " differs from crds/" + file + ": run "
                            + CrdIsCommittedTest.UPDATE_COMMAND + " and commit both");
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "image.pullPolicy=Sometimes | /image/pullPolicy",
            "demoImages.pullPolicy=always | /demoImages/pullPolicy",
            "watchNamespaces={Team_A} | /watchNamespaces/0",
            "watchNamespaces={a,a} | /watchNamespaces",
            "statusInterval=fast | /statusInterval",
            "topicReadyTimeout=10 | /topicReadyTimeout",
            "strimziApiVersion=v1 | /strimziApiVersion",
            "logging.level=LOUD | /logging/level",
            "logging.format=xml | /logging/format",
            "replicas=-1 | /replicas",
            "httpPort=80 | /httpPort",
            "demoImages.greeter.digest=abc | /demoImages/greeter/digest",
            "image.repository=Not A Repo | /image/repository",
            "resources.limits.memory=lots | /resources/limits/memory",
            "heap=lots | /heap",
            "jvmOptions=UseSerialGC | /jvmOptions",
            "mallocArenas=0 | /mallocArenas",
            "replicaCount=2 | replicaCount",
            "leaderElection.enable=true | enable",
            "metrics.serviceMonitor.interval=often | /metrics/serviceMonitor/interval",
            "kafka.allowedBootstrapServers={kafka.svc} | /kafka/allowedBootstrapServers/0",
            "kafka.allowedBootstrapServers={http://kafka:9092} | /kafka/allowedBootstrapServers/0",
            "kafka.allowedBootstrapServers={a:9092;b:9092} | /kafka/allowedBootstrapServers/0",
            "kafka.allowedBootstraps={a:9092} | allowedBootstraps",
            "networkPolicy.enabled=yes | /networkPolicy/enabled",
            "networkPolicy.apiServer[0].cidr=10.96.0.1,networkPolicy.apiServer[0].port=443 | /networkPolicy/apiServer/0/cidr",
            "networkPolicy.apiServer[0].cidr=10.96.0.1/32 | /networkPolicy/apiServer/0",
            "networkPolicy.kafka[0].port=9092 | /networkPolicy/kafka/0",
            "networkPolicy.dns.port=0 | /networkPolicy/dns/port"})
    void theSchemaRejectsBadValues(String set, String named) {
        Helm.Result result = Helm.template("--set", set);
        assertNotEquals(0, result.exitCode(), set + " was accepted");
        assertTrue(result.output().contains("values don't meet the specifications of the schema"), result.output());
        assertTrue(result.output().contains(named), "the message names " + named + ":\n" + result.output());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "replicas=2,leaderElection.enabled=false | replicas > 1 needs leaderElection.enabled",
            "metrics.service.enabled=false,metrics.serviceMonitor.enabled=true | metrics.serviceMonitor.enabled needs",
            "serviceAccount.create=false | serviceAccount.name is required",
            "networkPolicy.enabled=true | networkPolicy.enabled needs networkPolicy.apiServer"})
    void inconsistentValuesAreRefused(String set, String message) {
        Helm.Result result = Helm.template("--set", set);
        assertNotEquals(0, result.exitCode(), set + " was accepted");
        assertTrue(result.output().contains(message), result.output());
    }

    /** helm install and uninstall against a real API server: every object is accepted, and removed again. */
    @Test
    void installsAndUninstallsOnARealApiServer() throws Exception {
        KubernetesClient client = KubeApi.client();
        Path kubeconfig = Files.createTempFile("chart-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, KubeApi.kubeconfig());
        try {
            KubeApi.namespace("chart-team");
            Helm.run(Helm.concat(new String[] {"install", "chart-test", Helm.chart().toString(),
                    "--kubeconfig", kubeconfig.toString(), "--namespace", "chart-system", "--create-namespace",
                    "--set", "watchNamespaces={chart-team}", "--set", "kafka.allowedBootstrapServers={*.kafka.svc:9092}",
                    "--wait=false"}, ChartNetworkPolicyTest.NETWORK_POLICY)).orFail();
            String name = "chart-test-interaction-demo-operator";
            Deployment d = client.apps().deployments().inNamespace("chart-system").withName(name).get();
            assertNotNull(d, "the operator's Deployment");
            assertEquals(name, client.serviceAccounts().inNamespace("chart-system").withName(name).get()
                    .getMetadata().getName());
            assertNotNull(client.rbac().roles().inNamespace("chart-team").withName(name).get());
            assertNotNull(client.rbac().roleBindings().inNamespace("chart-team").withName(name).get());
            assertNotNull(client.rbac().roles().inNamespace("chart-system").withName(name + "-leader-election").get());
            assertNotNull(client.services().inNamespace("chart-system").withName(name + "-metrics").get());
            assertNotNull(client.network().v1().networkPolicies().inNamespace("chart-system").withName(name).get());
            assertNotNull(client.apiextensions().v1().customResourceDefinitions()
                    .withName("interactiondemos.interactiondemo.dev").get(), "the CRD, from the chart's crds/");

            Helm.run("uninstall", "chart-test", "--kubeconfig", kubeconfig.toString(), "--namespace", "chart-system",
                    "--wait").orFail();
            assertNull(client.apps().deployments().inNamespace("chart-system").withName(name).get());
            assertNull(client.rbac().roles().inNamespace("chart-team").withName(name).get());
            assertNull(client.network().v1().networkPolicies().inNamespace("chart-system").withName(name).get());
            assertNotNull(client.apiextensions().v1().customResourceDefinitions()
                    .withName("interactiondemos.interactiondemo.dev").get(), "helm keeps CRDs (and the resources)");
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
    }

    @Test
    void fullnameOverrideNamesEveryObject() {
        List<HasMetadata> objects = Helm.render("--set", "fullnameOverride=ido");
        objects.forEach(o -> assertTrue(o.getMetadata().getName().equals("ido")
                || o.getMetadata().getName().startsWith("ido-"), Helm.name(o)));
        assertEquals("ido", env(deployment(objects)).get("LEASE_NAME"));
    }
}
