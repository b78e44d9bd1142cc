package dev.interactiondemo.chart;

import dev.interactiondemo.operator.Helm;
import dev.interactiondemo.operator.KubeApi;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.interactiondemo.operator.Helm.FULLNAME;
import static dev.interactiondemo.operator.Helm.deployment;
import static dev.interactiondemo.operator.Helm.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The operator's Deployment and Service as the chart renders them (the real helm binary): the pod's security, probes,
 * resources and settings, every setting one the operator reads, the values that reach it (tracing, the live page, the
 * bootstrap allow-list, images), the pod admitted under the restricted Pod Security Standard by a real API server,
 * and the metrics Service with its optional ServiceMonitor.
 */
class ChartDeploymentTest {
    @Test
    void theOperatorRunsRestrictedWithProbesResourcesAndItsSettings() {
        Deployment d = deployment(Helm.render());
        var pod = d.getSpec().getTemplate().getSpec();
        assertEquals(FULLNAME, pod.getServiceAccountName());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(1000L, pod.getSecurityContext().getRunAsUser());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container c = pod.getContainers().get(0);
        assertEquals("interactiondemo/operator:" + appVersion(), c.getImage());
        assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        // What the benchmark ran 500 demos with (docs/benchmarks.md).
        assertEquals("512Mi", c.getResources().getLimits().get("memory").toString());
        assertNotNull(c.getResources().getRequests().get("cpu"));
        assertNotNull(c.getResources().getRequests().get("memory"));
        assertEquals("-Xmx192m -XX:+UseSerialGC", env(d).get("JDK_JAVA_OPTIONS"));
        assertFalse(env(deployment(Helm.render("--set", "heap=", "--set", "jvmOptions="))).containsKey(
                "JDK_JAVA_OPTIONS"), "no heap and no options: the JVM's own choices (75 % of the limit)");
        assertEquals("-Xmx192m -XX:+UseSerialGC -Xss512k", env(deployment(Helm.render("--set",
                "jvmOptions=-XX:+UseSerialGC -Xss512k"))).get("JDK_JAVA_OPTIONS"), "more JVM options after the heap");
        assertEquals("-XX:+UseSerialGC", env(deployment(Helm.render("--set", "heap=", "--set",
                "jvmOptions=-XX:+UseSerialGC"))).get("JDK_JAVA_OPTIONS"), "JVM options without a heap");
        assertEquals("2", env(d).get("MALLOC_ARENA_MAX"));
        assertFalse(env(deployment(Helm.render("--set", "mallocArenas=null"))).containsKey("MALLOC_ARENA_MAX"),
                "null leaves glibc its default");
        assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/healthz", c.getStartupProbe().getHttpGet().getPath());
        assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("http", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertEquals(8080, c.getPorts().get(0).getContainerPort());
        assertEquals("/tmp", c.getVolumeMounts().get(0).getMountPath());
        assertNotNull(pod.getVolumes().get(0).getEmptyDir());

        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("metadata.name", env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.namespace", env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        Map<String, String> values = env(d);
        assertEquals("interactiondemo/greeter:" + appVersion(), values.get("GREETER_IMAGE"));
        assertEquals("interactiondemo/notifier:" + appVersion(), values.get("NOTIFIER_IMAGE"));
        assertEquals("IfNotPresent", values.get("IMAGE_PULL_POLICY"));
        assertEquals("10s", values.get("STATUS_INTERVAL"));
        assertEquals("2m", values.get("TOPIC_READY_TIMEOUT"));
        assertEquals("kafka.strimzi.io/v1", values.get("STRIMZI_API_VERSION"));
        assertEquals("", values.get("ALLOWED_BOOTSTRAP_SERVERS"), "any bootstrap address by default");
        assertEquals(FULLNAME, values.get("LEASE_NAME"));
        assertEquals("8080", values.get("OPERATOR_HTTP_PORT"));
        assertEquals("INFO", values.get("LOG_LEVEL"));
        assertEquals("json", values.get("LOG_FORMAT"));
        // Every setting the chart passes is one the operator reads (and it validates them at start-up), the JVM's or
        // glibc's.
        Set<String> known = OperatorConfig.OPTIONS.stream().map(o -> o.env()).collect(Collectors.toSet());
        values.keySet().stream().filter(k -> !Set.of("POD_NAME", "LOG_LEVEL", "LOG_FORMAT", "JDK_JAVA_OPTIONS",
                        "MALLOC_ARENA_MAX").contains(k))
                .forEach(k -> assertTrue(known.contains(k), k + " is not an operator setting"));
        Map<String, String> operatorEnv = new HashMap<>(values);
        operatorEnv.put("WATCH_NAMESPACES", "a,b");
        operatorEnv.put("POD_NAMESPACE", Helm.RELEASE_NAMESPACE);
        OperatorConfig config = OperatorConfig.from(new String[0], operatorEnv);
        assertTrue(config.leaderElection());
        assertEquals(List.of(), config.allowedBootstrapServers().patterns());
        assertFalse(config.webPage(), "the live page is off by default");
        assertEquals("", config.otlpEndpoint(), "no tracing by default");
    }

    /** tracing.otlpEndpoint reaches the operator, which gives it to the demos' pods. */
    @Test
    void theTracingEndpointReachesTheOperator() {
        Map<String, String> env = env(deployment(Helm.render("--set", "tracing.otlpEndpoint=http://otel:4318")));
        assertEquals("http://otel:4318", env.get("OTLP_ENDPOINT"));
        Map<String, String> operatorEnv = new HashMap<>(env);
        operatorEnv.put("POD_NAMESPACE", Helm.RELEASE_NAMESPACE);
        assertEquals("http://otel:4318", OperatorConfig.from(new String[0], operatorEnv).otlpEndpoint());
        Helm.Result refused = Helm.run("template", "x", Helm.chart().toString(), "--set",
                "tracing.otlpEndpoint=otel:4318");
        assertTrue(refused.exitCode() != 0 && refused.output().contains("otlpEndpoint"),
                "the schema refuses an address that is not http(s)://: " + refused.output());
    }

    /** webPage.enabled turns the operator's read-only live page on, on its own container port. */
    @Test
    void theLivePageIsOneValueAway() {
        Deployment d = deployment(Helm.render("--set", "webPage.enabled=true", "--set", "webPage.port=9091"));
        Map<String, String> env = env(d);
        assertEquals("true", env.get("WEB_PAGE"));
        assertEquals("9091", env.get("WEB_PORT"));
        assertTrue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .anyMatch(p -> "web".equals(p.getName()) && p.getContainerPort() == 9091));
        Map<String, String> operatorEnv = new HashMap<>(env);
        operatorEnv.put("POD_NAMESPACE", Helm.RELEASE_NAMESPACE);
        OperatorConfig config = OperatorConfig.from(new String[0], operatorEnv);
        assertTrue(config.webPage());
        assertEquals(9091, config.webPort());
        assertTrue(deployment(Helm.render()).getSpec().getTemplate().getSpec().getContainers().get(0).getPorts()
                .stream().noneMatch(p -> "web".equals(p.getName())), "no port while off");
    }

    /** kafka.allowedBootstrapServers reaches the operator as ALLOWED_BOOTSTRAP_SERVERS, and means what it says. */
    @Test
    void theBootstrapAllowListReachesTheOperator() {
        List<String> patterns = List.of("*.kafka.svc:9092", "my-cluster-kafka-bootstrap.*.svc:9093", "10.0.0.5:9092");
        Map<String, String> env = env(deployment(Helm.render("--set",
                "kafka.allowedBootstrapServers={" + String.join(",", patterns) + "}")));
        assertEquals(String.join(",", patterns), env.get("ALLOWED_BOOTSTRAP_SERVERS"));

        OperatorConfig config = OperatorConfig.from(new String[0], Map.of("LEASE_NAME", "l",
                "POD_NAMESPACE", Helm.RELEASE_NAMESPACE, "ALLOWED_BOOTSTRAP_SERVERS", env.get("ALLOWED_BOOTSTRAP_SERVERS")));
        assertEquals(patterns, config.allowedBootstrapServers().patterns());
        var policy = config.allowedBootstrapServers();
        assertTrue(policy.refused("shared.kafka.svc:9092,10.0.0.5:9092").isEmpty());
        assertTrue(policy.refused("my-cluster-kafka-bootstrap.team-a.svc:9093").isEmpty());
        assertEquals("kubernetes.default.svc:443", policy.refused("shared.kafka.svc:9092,kubernetes.default.svc:443")
                .orElseThrow());
        assertTrue(policy.refused("shared.kafka.svc:9093").isPresent(), "the port is part of the pattern");
    }

    /** The operator's pod, as the Deployment would create it, is admitted in a namespace enforcing "restricted". */
    @Test
    void theOperatorPodPassesTheRestrictedPodSecurityStandard() {
        KubernetesClient client = KubeApi.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("chart-restricted")
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).serverSideApply();
        var template = deployment(Helm.render()).getSpec().getTemplate();
        Pod pod = new PodBuilder().withNewMetadata().withName("operator").withNamespace("chart-restricted")
                .endMetadata().withSpec(template.getSpec()).build();
        pod.getSpec().setServiceAccountName(null);
        client.pods().resource(pod).dryRun().create();

        // The check has teeth: a root container is refused.
        pod.getSpec().getContainers().get(0).getSecurityContext().setRunAsNonRoot(false);
        pod.getSpec().getSecurityContext().setRunAsNonRoot(false);
        KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
                KubernetesClientException.class, () -> client.pods().resource(pod).dryRun().create());
        assertTrue(refused.getMessage().contains("restricted"), refused.getMessage());
    }

    @Test
    void imagesFollowTheValues() {
        String digest = "sha256:" + "a".repeat(64);
        Map<String, String> env = env(deployment(Helm.render("--set", "demoImages.greeter.repository=reg.example/g",
                "--set", "demoImages.greeter.tag=1.2.3", "--set", "demoImages.notifier.digest=" + digest,
                "--set", "demoImages.pullPolicy=Never", "--set", "image.tag=9.9.9")));
        assertEquals("reg.example/g:1.2.3", env.get("GREETER_IMAGE"));
        assertEquals("interactiondemo/notifier@" + digest, env.get("NOTIFIER_IMAGE"));
        assertEquals("Never", env.get("IMAGE_PULL_POLICY"));
        assertEquals("interactiondemo/operator:9.9.9", deployment(Helm.render("--set", "image.tag=9.9.9"))
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    }

    @Test
    void metricsServiceAndOptionalServiceMonitor() {
        List<HasMetadata> plain = Helm.render();
        Service service = Helm.ofKind(plain, Service.class).get(0);
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertEquals(deployment(plain).getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
        assertTrue(plain.stream().noneMatch(o -> "ServiceMonitor".equals(o.getKind())));

        List<HasMetadata> monitored = Helm.render("--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.serviceMonitor.labels.release=prometheus");
        GenericKubernetesResource monitor = monitored.stream().filter(o -> "ServiceMonitor".equals(o.getKind()))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
        assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
        Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
        assertEquals("http", endpoint.get("port"));
        assertEquals("/metrics", endpoint.get("path"));

        assertTrue(Helm.render("--set", "metrics.service.enabled=false").stream()
                .noneMatch(o -> o instanceof Service));
    }

    // --- helpers ---

    private static String appVersion() {
        try {
            Map<?, ?> chart = Serialization.unmarshal(Files.readString(Helm.chart().resolve("Chart.yaml")), Map.class);
            return (String) chart.get("appVersion");
        } catch (IOException e) {
            fail(e);
            return null;
        }
    }
}
