package dev.interactiondemo.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 * in the chart. (RbacTest runs the operator with the rendered permissions against a real API server.)
 */
class ChartTest {
    static final String FULLNAME = Helm.RELEASE + "-interaction-demo-operator";

    /** Every permission the operator needs in a namespace it watches (RbacTest proves each one needed). */
    static final Set<String> WATCH_PERMISSIONS = Set.of(
            "interactiondemo.dev/interactiondemos:list", "interactiondemo.dev/interactiondemos:watch",
            "interactiondemo.dev/interactiondemos:patch",
            "interactiondemo.dev/interactiondemos/status:patch",
            "apps/deployments:list", "apps/deployments:watch", "apps/deployments:create", "apps/deployments:patch",
            "/services:list", "/services:watch", "/services:create", "/services:patch",
            "kafka.strimzi.io/kafkatopics:list", "kafka.strimzi.io/kafkatopics:watch",
            "kafka.strimzi.io/kafkatopics:create", "kafka.strimzi.io/kafkatopics:patch",
            "/events:create");

    @Test
    void lintsStrictly() {
        Helm.run("lint", "--strict", Helm.chart().toString()).orFail();
        Helm.run("lint", "--strict", Helm.chart().toString(), "--set", "watchNamespaces={a,b}",
                "--set", "metrics.serviceMonitor.enabled=true", "--set", "leaderElection.enabled=false").orFail();
    }

    @Test
    void chartVersionsAreTheProjectVersion() throws Exception {
        Path root = Helm.chart().getParent().getParent();
        Matcher m = Pattern.compile("<artifactId>interaction-demo-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml")));
        assertTrue(m.find());
        String version = m.group(1);
        Map<?, ?> chart = Serialization.unmarshal(Files.readString(Helm.chart().resolve("Chart.yaml")), Map.class);
        assertEquals(version, chart.get("version"), "Chart.yaml version");
        assertEquals(version, chart.get("appVersion"), "Chart.yaml appVersion");
    }

    /**
     * The chart's crds/ holds the repository's CRD, byte for byte (helm installs it from there).
     * {@code -Dcrd.update=true} rewrites it, as CrdIsCommittedTest rewrites crds/.
     */
    @Test
    void theChartCarriesTheCommittedCrd() throws Exception {
        Path inChart = Helm.chart().resolve("crds").resolve(CrdIsCommittedTest.FILE);
        if (Boolean.getBoolean("crd.update")) {
            Files.writeString(inChart, CrdIsCommittedTest.withDeclaredColumnOrder(Files.readString(
                    Path.of(System.getProperty("generated.crds"), CrdIsCommittedTest.FILE))));
        }
        Path committed = Path.of(System.getProperty("committed.crds"), CrdIsCommittedTest.FILE);
        assertTrue(Files.exists(inChart), inChart + " is missing: run ./mvnw -pl operator test -Dcrd.update=true");
        assertEquals(Files.readString(committed), Files.readString(inChart), "helm/interaction-demo-operator/crds/"
                + CrdIsCommittedTest.FILE + " differs from crds/" + CrdIsCommittedTest.FILE
                + ": run ./mvnw -pl operator test -Dcrd.update=true and commit both");
        try (var files = Files.list(inChart.getParent())) {
            assertEquals(List.of(CrdIsCommittedTest.FILE), files.map(f -> f.getFileName().toString()).toList());
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
        assertNotNull(c.getResources().getLimits().get("memory"));
        assertNotNull(c.getResources().getRequests().get("cpu"));
        assertNotNull(c.getResources().getRequests().get("memory"));
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
        assertEquals("kafka.strimzi.io/v1", values.get("KAFKA_TOPIC_API_VERSION"));
        assertEquals(FULLNAME, values.get("LEASE_NAME"));
        assertEquals("8080", values.get("OPERATOR_HTTP_PORT"));
        assertEquals("INFO", values.get("LOG_LEVEL"));
        assertEquals("json", values.get("LOG_FORMAT"));
        // Every setting the chart passes is one the operator reads (and it validates them at start-up).
        Set<String> known = OperatorConfig.OPTIONS.stream().map(o -> o.env()).collect(Collectors.toSet());
        values.keySet().stream().filter(k -> !Set.of("POD_NAME", "LOG_LEVEL", "LOG_FORMAT").contains(k))
                .forEach(k -> assertTrue(known.contains(k), k + " is not an operator setting"));
        OperatorConfig config = OperatorConfig.from(new String[0], Map.of("WATCH_NAMESPACES", "a,b",
                "GREETER_IMAGE", values.get("GREETER_IMAGE"), "NOTIFIER_IMAGE", values.get("NOTIFIER_IMAGE"),
                "IMAGE_PULL_POLICY", values.get("IMAGE_PULL_POLICY"), "STATUS_INTERVAL", values.get("STATUS_INTERVAL"),
                "TOPIC_READY_TIMEOUT", values.get("TOPIC_READY_TIMEOUT"),
                "KAFKA_TOPIC_API_VERSION", values.get("KAFKA_TOPIC_API_VERSION"),
                "LEADER_ELECTION", values.get("LEADER_ELECTION"), "LEASE_NAME", values.get("LEASE_NAME"),
                "POD_NAMESPACE", Helm.RELEASE_NAMESPACE));
        assertTrue(config.leaderElection());
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
            "kafkaTopicApiVersion=v1 | /kafkaTopicApiVersion",
            "logging.level=LOUD | /logging/level",
            "logging.format=xml | /logging/format",
            "replicas=-1 | /replicas",
            "httpPort=80 | /httpPort",
            "demoImages.greeter.digest=abc | /demoImages/greeter/digest",
            "image.repository=Not A Repo | /image/repository",
            "resources.limits.memory=lots | /resources/limits/memory",
            "replicaCount=2 | replicaCount",
            "leaderElection.enable=true | enable",
            "metrics.serviceMonitor.interval=often | /metrics/serviceMonitor/interval"})
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
            "serviceAccount.create=false | serviceAccount.name is required"})
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

    // --- helpers ---

    static Set<String> permissions(List<PolicyRule> rules) {
        return rules.stream().flatMap(r -> r.getApiGroups().stream().flatMap(g -> r.getResources().stream()
                .flatMap(res -> r.getVerbs().stream().map(v -> g + "/" + res + ":" + v))))
                .collect(Collectors.toSet());
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

    static Deployment deployment(List<HasMetadata> objects) {
        List<Deployment> deployments = Helm.ofKind(objects, Deployment.class);
        assertEquals(1, deployments.size());
        return deployments.get(0);
    }

    static Map<String, String> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
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
        } catch (java.io.IOException e) {
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
            Helm.run("install", "chart-test", Helm.chart().toString(), "--kubeconfig", kubeconfig.toString(),
                    "--namespace", "chart-system", "--create-namespace", "--set", "watchNamespaces={chart-team}",
                    "--wait=false").orFail();
            String name = "chart-test-interaction-demo-operator";
            Deployment d = client.apps().deployments().inNamespace("chart-system").withName(name).get();
            assertNotNull(d, "the operator's Deployment");
            assertEquals(name, client.serviceAccounts().inNamespace("chart-system").withName(name).get()
                    .getMetadata().getName());
            assertNotNull(client.rbac().roles().inNamespace("chart-team").withName(name).get());
            assertNotNull(client.rbac().roleBindings().inNamespace("chart-team").withName(name).get());
            assertNotNull(client.rbac().roles().inNamespace("chart-system").withName(name + "-leader-election").get());
            assertNotNull(client.services().inNamespace("chart-system").withName(name + "-metrics").get());
            assertNotNull(client.apiextensions().v1().customResourceDefinitions()
                    .withName("interactiondemos.interactiondemo.dev").get(), "the CRD, from the chart's crds/");

            Helm.run("uninstall", "chart-test", "--kubeconfig", kubeconfig.toString(), "--namespace", "chart-system",
                    "--wait").orFail();
            assertNull(client.apps().deployments().inNamespace("chart-system").withName(name).get());
            assertNull(client.rbac().roles().inNamespace("chart-team").withName(name).get());
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
