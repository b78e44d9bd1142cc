package dev.interactiondemo.chart;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.CrdIsCommittedTest;
import dev.interactiondemo.operator.Helm;
import dev.interactiondemo.operator.KubeApi;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.Labels;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.interactiondemo.operator.Helm.FULLNAME;
import static dev.interactiondemo.operator.Helm.deployment;
import static dev.interactiondemo.operator.Helm.env;
import static dev.interactiondemo.operator.Helm.permissions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Helm chart, linted and rendered by the real helm binary: what it installs for a cluster-wide and a
 * namespace-scoped operator, the Deployment's security and settings, the values the schema rejects, and the CRD copy
 * in the chart; installed on a real API server. (The operator module's RbacTest runs the operator with the rendered
 * permissions against a real API server; Helm and KubeApi come from the operator's test jar.)
 */
class ChartTest {
    /** Every permission the operator needs in a namespace it watches (RbacTest proves each one needed). */
    static final Set<String> WATCH_PERMISSIONS = Set.of(
            "interactiondemo.dev/interactiondemos:list", "interactiondemo.dev/interactiondemos:watch",
            "interactiondemo.dev/interactiondemos:patch",
            "interactiondemo.dev/interactiondemos/status:patch",
            "interactiondemo.dev/interactionlessons:list", "interactiondemo.dev/interactionlessons:watch",
            "interactiondemo.dev/interactionlessons:patch",
            "interactiondemo.dev/interactionlessons/status:patch",
            "apps/deployments:list", "apps/deployments:watch", "apps/deployments:create", "apps/deployments:patch",
            "/services:list", "/services:watch", "/services:create", "/services:patch",
            "kafka.strimzi.io/kafkatopics:list", "kafka.strimzi.io/kafkatopics:watch",
            "kafka.strimzi.io/kafkatopics:create", "kafka.strimzi.io/kafkatopics:patch",
            "kafka.strimzi.io/kafkausers:list", "kafka.strimzi.io/kafkausers:watch",
            "kafka.strimzi.io/kafkausers:create", "kafka.strimzi.io/kafkausers:patch", "/secrets:get",
            "networking.k8s.io/networkpolicies:list", "networking.k8s.io/networkpolicies:watch",
            "networking.k8s.io/networkpolicies:create", "networking.k8s.io/networkpolicies:patch",
            "networking.k8s.io/networkpolicies:delete", "/pods:list", "/pods:watch",
            "/events:create", "/events:get", "/events:patch");

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

    @Test
    void watchingAllNamespacesGrantsTheRulesClusterWide() {
        List<HasMetadata> objects = Helm.render();
        assertEquals(Set.of("ServiceAccount/" + FULLNAME, "ClusterRole/" + FULLNAME, "ClusterRoleBinding/" + FULLNAME,
                "Role/" + FULLNAME + "-leader-election", "RoleBinding/" + FULLNAME + "-leader-election",
                "Deployment/" + FULLNAME, "Service/" + FULLNAME + "-metrics"), names(objects));

        ClusterRole role = Helm.ofKind(objects, ClusterRole.class).get(0);
        assertEquals(WATCH_PERMISSIONS, permissions(role.getRules()));
        assertTrue(role.getRules().stream().allMatch(r -> r.getResourceNames().isEmpty()));
        ClusterRoleBinding binding = Helm.ofKind(objects, ClusterRoleBinding.class).get(0);
        assertEquals(FULLNAME, binding.getRoleRef().getName());
        assertEquals("ClusterRole", binding.getRoleRef().getKind());
        assertServiceAccount(binding.getSubjects());

        assertEquals("", env(deployment(objects)).get("WATCH_NAMESPACES"));
        assertLeaseRole(objects);
        objects.stream().filter(o -> !(o instanceof ClusterRole || o instanceof ClusterRoleBinding))
                .forEach(o -> assertEquals(Helm.RELEASE_NAMESPACE, o.getMetadata().getNamespace(), name(o)));
    }

    @Test
    void watchingListedNamespacesGrantsTheRulesThereOnly() {
        List<HasMetadata> objects = Helm.render("--set", "watchNamespaces={team-a,team-b}");
        assertTrue(Helm.ofKind(objects, ClusterRole.class).isEmpty(), "no ClusterRole");
        assertTrue(Helm.ofKind(objects, ClusterRoleBinding.class).isEmpty(), "no ClusterRoleBinding");

        Map<String, Role> watchRoles = Helm.ofKind(objects, Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(FULLNAME))
                .collect(Collectors.toMap(r -> r.getMetadata().getNamespace(), r -> r));
        assertEquals(Set.of("team-a", "team-b"), watchRoles.keySet());
        watchRoles.values().forEach(r -> assertEquals(WATCH_PERMISSIONS, permissions(r.getRules())));
        Map<String, RoleBinding> bindings = Helm.ofKind(objects, RoleBinding.class).stream()
                .filter(r -> r.getMetadata().getName().equals(FULLNAME))
                .collect(Collectors.toMap(r -> r.getMetadata().getNamespace(), r -> r));
        assertEquals(Set.of("team-a", "team-b"), bindings.keySet());
        bindings.values().forEach(b -> {
            assertEquals("Role", b.getRoleRef().getKind());
            assertEquals(FULLNAME, b.getRoleRef().getName());
            assertServiceAccount(b.getSubjects());
        });
        assertEquals("team-a,team-b", env(deployment(objects)).get("WATCH_NAMESPACES"));
        assertLeaseRole(objects);
    }

    @Test
    void theLeaseRoleNamesTheLeaseTheOperatorUses() {
        List<HasMetadata> objects = Helm.render("--set", "leaderElection.leaseName=my-lease");
        Map<String, String> env = env(deployment(objects));
        assertEquals("my-lease", env.get("LEASE_NAME"));
        assertEquals("true", env.get("LEADER_ELECTION"));
        assertLeaseRole(objects);
    }

    @Test
    void withoutLeaderElectionThereIsNoLeaseRoleAndNoRollingOverlap() {
        List<HasMetadata> objects = Helm.render("--set", "leaderElection.enabled=false");
        assertTrue(Helm.ofKind(objects, Role.class).isEmpty());
        assertTrue(Helm.ofKind(objects, RoleBinding.class).isEmpty());
        Deployment d = deployment(objects);
        assertEquals("false", env(d).get("LEADER_ELECTION"));
        assertEquals("Recreate", d.getSpec().getStrategy().getType());

        Deployment withElection = deployment(Helm.render());
        assertEquals("RollingUpdate", withElection.getSpec().getStrategy().getType());
        assertEquals(0, withElection.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    }

    @Test
    void withoutRbacCreationOnlyTheServiceAccountIsCreated() {
        List<HasMetadata> objects = Helm.render("--set", "rbac.create=false");
        assertEquals(Set.of("ServiceAccount", "Deployment", "Service"),
                objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet()));
    }

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

    @Test
    void moreReplicasWithLeaderElectionAndAnExistingServiceAccount() {
        List<HasMetadata> objects = Helm.render("--set", "replicas=2", "--set", "serviceAccount.create=false",
                "--set", "serviceAccount.name=existing");
        assertEquals(2, deployment(objects).getSpec().getReplicas());
        assertTrue(Helm.ofKind(objects, ServiceAccount.class).isEmpty());
        assertEquals("existing", deployment(objects).getSpec().getTemplate().getSpec().getServiceAccountName());
        Helm.ofKind(objects, ClusterRoleBinding.class).forEach(b ->
                assertEquals("existing", b.getSubjects().get(0).getName()));
    }

    static final String[] NETWORK_POLICY = {"--set", "networkPolicy.enabled=true",
            "--set", "networkPolicy.apiServer[0].cidr=10.96.0.1/32", "--set", "networkPolicy.apiServer[0].port=443",
            "--set", "networkPolicy.apiServer[1].cidr=172.18.0.2/32", "--set", "networkPolicy.apiServer[1].port=6443"};

    /**
     * networkPolicy.enabled: the operator's pod may connect to DNS, the API server, Kafka's brokers, the demos'
     * Greeters (gRPC health check) and Hosts and Workers, and nothing else; only its HTTP port accepts connections.
     */
    @Test
    void theNetworkPolicyAllowsOnlyWhatTheOperatorUses() {
        assertTrue(Helm.render().stream().noneMatch(o -> o instanceof NetworkPolicy), "off by default");

        List<HasMetadata> objects = Helm.render(NETWORK_POLICY);
        NetworkPolicy policy = networkPolicy(objects);
        assertEquals(FULLNAME, policy.getMetadata().getName());
        assertEquals(Helm.RELEASE_NAMESPACE, policy.getMetadata().getNamespace());
        var spec = policy.getSpec();
        assertEquals(deployment(objects).getSpec().getSelector().getMatchLabels(), spec.getPodSelector().getMatchLabels());
        assertTrue(matches(spec.getPodSelector(), deployment(objects).getSpec().getTemplate().getMetadata().getLabels()));
        assertEquals(List.of("Ingress", "Egress"), spec.getPolicyTypes());

        assertEquals(1, spec.getIngress().size());
        assertEquals(List.of("TCP/8080"), ports(spec.getIngress().get(0).getPorts()));
        assertTrue(spec.getIngress().get(0).getFrom().isEmpty(), "metrics from anywhere by default");

        List<NetworkPolicyEgressRule> egress = spec.getEgress();
        assertEquals(6, egress.size(), "DNS, 2 API server addresses, Kafka, Greeters, Hosts and Workers");
        NetworkPolicyEgressRule dns = egress.get(0);
        assertEquals(List.of("UDP/53", "TCP/53"), ports(dns.getPorts()));
        assertTrue(dns.getTo().isEmpty(), "DNS anywhere by default");

        assertEquals(List.of("10.96.0.1/32"), cidrs(egress.get(1)));
        assertEquals(List.of("TCP/443"), ports(egress.get(1).getPorts()));
        assertEquals(List.of("172.18.0.2/32"), cidrs(egress.get(2)));
        assertEquals(List.of("TCP/6443"), ports(egress.get(2).getPorts()));

        NetworkPolicyEgressRule kafka = egress.get(3);
        assertEquals(List.of("TCP/9092"), ports(kafka.getPorts()));
        assertEquals(1, kafka.getTo().size());
        assertTrue(kafka.getTo().get(0).getNamespaceSelector().getMatchLabels().isEmpty(), "any namespace");
        assertEquals(Map.of("strimzi.io/kind", "Kafka"), kafka.getTo().get(0).getPodSelector().getMatchLabels());

        // The demos' pods, selected by the labels the operator gives them.
        InteractionDemo demo = new InteractionDemo();
        demo.setMetadata(new ObjectMetaBuilder().withName("hello").withNamespace("team-a").build());
        Map<String, String> greeter = Labels.of(demo, GreeterDeployment.COMPONENT);
        Map<String, String> host = Labels.of(demo, HostDeployment.COMPONENT);
        Map<String, String> worker = Labels.of(demo, WorkerDeployment.COMPONENT);
        Map<String, String> operator = deployment(objects).getSpec().getTemplate().getMetadata().getLabels();
        NetworkPolicyEgressRule greeters = egress.get(4);
        assertEquals(List.of("TCP/" + Names.GREETER_PORT), ports(greeters.getPorts()));
        NetworkPolicyPeer greeterPeer = greeters.getTo().get(0);
        assertEquals(1, greeters.getTo().size());
        assertTrue(greeterPeer.getNamespaceSelector().getMatchLabels().isEmpty()
                && greeterPeer.getNamespaceSelector().getMatchExpressions().isEmpty(), "every namespace");
        assertTrue(matches(greeterPeer.getPodSelector(), greeter));
        assertFalse(matches(greeterPeer.getPodSelector(), host));
        assertFalse(matches(greeterPeer.getPodSelector(), worker));
        assertFalse(matches(greeterPeer.getPodSelector(), operator));
        NetworkPolicyEgressRule notifiers = egress.get(5);
        assertEquals(List.of("TCP/" + Names.NOTIFIER_HTTP_PORT), ports(notifiers.getPorts()));
        assertEquals(1, notifiers.getTo().size());
        LabelSelector notifierPods = notifiers.getTo().get(0).getPodSelector();
        assertTrue(matches(notifierPods, host));
        assertTrue(matches(notifierPods, worker));
        assertFalse(matches(notifierPods, greeter));
        assertFalse(matches(notifierPods, operator));
    }

    @Test
    void theNetworkPolicyFollowsTheWatchedNamespacesAndItsValues() {
        List<HasMetadata> objects = Helm.render(concat(NETWORK_POLICY, "--set", "watchNamespaces={team-a,team-b}",
                "--set", "networkPolicy.dns.port=5353",
                "--set", "networkPolicy.dns.to[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=kube-system",
                "--set", "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring",
                "--set", "networkPolicy.kafka[0].to[0].ipBlock.cidr=192.0.2.0/24",
                "--set", "networkPolicy.kafka[0].ports[0].port=9093",
                "--set", "networkPolicy.kafka[1].to[0].podSelector.matchLabels.app=kafka",
                "--set", "networkPolicy.kafka[1].ports[0].port=9092"));
        var spec = networkPolicy(objects).getSpec();
        assertEquals(Map.of("name", "monitoring"),
                spec.getIngress().get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels());
        List<NetworkPolicyEgressRule> egress = spec.getEgress();
        assertEquals(7, egress.size(), "DNS, 2 API server addresses, 2 Kafka rules, Greeters, Hosts and Workers");
        assertEquals(List.of("UDP/5353", "TCP/5353"), ports(egress.get(0).getPorts()));
        assertEquals(Map.of("kubernetes.io/metadata.name", "kube-system"),
                egress.get(0).getTo().get(0).getNamespaceSelector().getMatchLabels());
        assertEquals(List.of("192.0.2.0/24"), cidrs(egress.get(3)));
        assertEquals(9093, egress.get(3).getPorts().get(0).getPort().getIntVal());
        assertEquals(Map.of("app", "kafka"), egress.get(4).getTo().get(0).getPodSelector().getMatchLabels());
        for (NetworkPolicyEgressRule demoPods : egress.subList(5, 7)) {
            LabelSelector namespaces = demoPods.getTo().get(0).getNamespaceSelector();
            assertTrue(matches(namespaces, Map.of("kubernetes.io/metadata.name", "team-a")));
            assertTrue(matches(namespaces, Map.of("kubernetes.io/metadata.name", "team-b")));
            assertFalse(matches(namespaces, Map.of("kubernetes.io/metadata.name", "team-c")));
        }
    }

    /** The rendered NetworkPolicies, applied as users apply them: kubectl --dry-run=server --validate=strict. */
    @Test
    void theApiServerAcceptsTheNetworkPolicyStrictly() throws Exception {
        KubeApi.namespace(Helm.RELEASE_NAMESPACE);
        Path kubeconfig = Files.createTempFile("chart-kubeconfig", ".yaml");
        Path manifest = Files.createTempFile("chart-networkpolicy", ".yaml");
        try {
            Files.writeString(kubeconfig, KubeApi.kubeconfig());
            for (String[] values : List.of(NETWORK_POLICY, concat(NETWORK_POLICY, "--set", "watchNamespaces={team-a}",
                    "--set", "networkPolicy.metricsFrom[0].podSelector.matchLabels.app=prometheus",
                    "--set", "networkPolicy.dns.to[0].ipBlock.cidr=169.254.20.10/32"))) {
                Files.writeString(manifest, Helm.template(concat(values, "--show-only",
                        "templates/networkpolicy.yaml")).orFail().output());
                Helm.Result applied = Helm.kubectl("--kubeconfig", kubeconfig.toString(), "apply", "--dry-run=server",
                        "--validate=strict", "-f", manifest.toString());
                assertEquals(0, applied.exitCode(), applied.output());
                assertTrue(applied.output().contains("networkpolicy.networking.k8s.io/" + FULLNAME), applied.output());
                assertFalse(applied.output().toLowerCase().contains("warning"), applied.output());
            }
        } finally {
            Files.deleteIfExists(kubeconfig);
            Files.deleteIfExists(manifest);
        }
    }

    // --- helpers ---

    private static NetworkPolicy networkPolicy(List<HasMetadata> objects) {
        List<NetworkPolicy> policies = Helm.ofKind(objects, NetworkPolicy.class);
        assertEquals(1, policies.size());
        return policies.get(0);
    }

    private static List<String> ports(List<NetworkPolicyPort> ports) {
        return ports.stream().map(p -> p.getProtocol() + "/" + p.getPort().getIntVal()).toList();
    }

    private static List<String> cidrs(NetworkPolicyEgressRule rule) {
        return rule.getTo().stream().map(p -> p.getIpBlock().getCidr()).toList();
    }

    /** Whether a label selector selects an object with these labels (matchLabels; matchExpressions In, NotIn). */
    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        boolean byLabels = selector.getMatchLabels() == null
                || selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        boolean byExpressions = selector.getMatchExpressions() == null
                || selector.getMatchExpressions().stream().allMatch(e -> switch (e.getOperator()) {
                    case "In" -> e.getValues().contains(labels.get(e.getKey()));
                    case "NotIn" -> !e.getValues().contains(labels.get(e.getKey()));
                    default -> throw new AssertionError("not handled: " + e.getOperator());
                });
        return byLabels && byExpressions;
    }

    private static String[] concat(String[] first, String... more) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(more))
                .toArray(String[]::new);
    }

    private static void assertLeaseRole(List<HasMetadata> objects) {
        Deployment d = deployment(objects);
        String lease = env(d).get("LEASE_NAME");
        Role role = Helm.ofKind(objects, Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(FULLNAME + "-leader-election")).findFirst().orElseThrow();
        assertEquals(Helm.RELEASE_NAMESPACE, role.getMetadata().getNamespace());
        assertEquals(2, role.getRules().size());
        PolicyRule create = role.getRules().get(0);
        assertEquals(List.of("create"), create.getVerbs());
        assertTrue(create.getResourceNames().isEmpty(), "create can't be restricted by name");
        PolicyRule named = role.getRules().get(1);
        assertEquals(List.of("get", "patch", "update"), named.getVerbs());
        assertEquals(List.of(lease), named.getResourceNames());
        role.getRules().forEach(r -> {
            assertEquals(List.of("coordination.k8s.io"), r.getApiGroups());
            assertEquals(List.of("leases"), r.getResources());
        });
        RoleBinding binding = Helm.ofKind(objects, RoleBinding.class).stream()
                .filter(r -> r.getMetadata().getName().equals(FULLNAME + "-leader-election")).findFirst().orElseThrow();
        assertEquals(Helm.RELEASE_NAMESPACE, binding.getMetadata().getNamespace());
        assertServiceAccount(binding.getSubjects());
    }

    private static void assertServiceAccount(List<Subject> subjects) {
        assertEquals(1, subjects.size());
        assertEquals("ServiceAccount", subjects.get(0).getKind());
        assertEquals(FULLNAME, subjects.get(0).getName());
        assertEquals(Helm.RELEASE_NAMESPACE, subjects.get(0).getNamespace());
    }

    private static Set<String> names(List<HasMetadata> objects) {
        return objects.stream().map(ChartTest::name).collect(Collectors.toSet());
    }

    private static String name(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }

    private static String appVersion() {
        try {
            Map<?, ?> chart = Serialization.unmarshal(Files.readString(Helm.chart().resolve("Chart.yaml")), Map.class);
            return (String) chart.get("appVersion");
        } catch (IOException e) {
            fail(e);
            return null;
        }
    }

    /** helm install and uninstall against a real API server: every object is accepted, and removed again. */
    @Test
    void installsAndUninstallsOnARealApiServer() throws Exception {
        KubernetesClient client = KubeApi.client();
        Path kubeconfig = Files.createTempFile("chart-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, KubeApi.kubeconfig());
        try {
            KubeApi.namespace("chart-team");
            Helm.run(concat(new String[] {"install", "chart-test", Helm.chart().toString(),
                    "--kubeconfig", kubeconfig.toString(), "--namespace", "chart-system", "--create-namespace",
                    "--set", "watchNamespaces={chart-team}", "--set", "kafka.allowedBootstrapServers={*.kafka.svc:9092}",
                    "--wait=false"}, NETWORK_POLICY)).orFail();
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
                || o.getMetadata().getName().startsWith("ido-"), name(o)));
        assertEquals("ido", env(deployment(objects)).get("LEASE_NAME"));
    }
}
