package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The chart's RBAC against a real API server (its own kube-apiserver, with an audit log and the
 * OwnerReferencesPermissionEnforcement admission plugin): the rendered ServiceAccount, Roles and bindings are applied,
 * the operator runs in-process with a client that impersonates the ServiceAccount, and Direct- and Strimzi-mode
 * InteractionDemos go through their life (dependents created, status written, the Strimzi one switched to Direct,
 * deletion through the finalizer), and InteractionLessons on them (one run to its end, one deleted mid-step),
 * with leader election on.
 * <ul>
 * <li>sufficient: every reconcile succeeds, and the audit log shows no request of the operator refused;</li>
 * <li>minimal: every permission the chart grants either shows in the audit log as a request the operator made, or,
 * where no request shows it (Kubernetes checks {@code create} inside a server-side apply that creates;
 * java-operator-sdk checks for {@code update} on the Lease before it starts), removing it from the Role makes the
 * operator fail.</li>
 * </ul>
 */
class RbacTest {
    private static final Logger LOG = LoggerFactory.getLogger(RbacTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KubeAPIServer server;
    private static KubernetesClient admin;
    private static Path auditLog;

    @BeforeAll
    static void startApiServer() throws IOException {
        Path dir = Path.of("target", "rbac-test").toAbsolutePath();
        Files.createDirectories(dir);
        auditLog = dir.resolve("audit.log");
        Files.deleteIfExists(auditLog);
        Path policy = dir.resolve("audit-policy.yaml");
        Files.writeString(policy, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                  - level: Metadata
                """);
        server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(KubeApi.pinnedKubeVersion())
                .withApiServerFlag("--audit-policy-file", policy.toString())
                .withApiServerFlag("--audit-log-path", auditLog.toString())
                .withApiServerFlag("--audit-log-format", "json")
                .withApiServerFlag("--enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
                .build());
        server.start();
        admin = client(null);
        installCrd(Files.newInputStream(Path.of(System.getProperty("committed.crds"), CrdIsCommittedTest.FILE)));
        installCrd(Files.newInputStream(Path.of(System.getProperty("committed.crds"),
                CrdIsCommittedTest.LESSON_FILE)));
        installCrd(RbacTest.class.getResourceAsStream("/strimzi/kafkatopics-crd.yaml"));
        installCrd(RbacTest.class.getResourceAsStream("/strimzi/kafkausers-crd.yaml"));
    }

    @AfterAll
    static void stopApiServer() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void namespaceScopedRbacIsSufficientAndEveryPermissionIsUsed() throws Exception {
        String release = "ns-scoped";
        String system = "ns-scoped-system";
        List<String> watched = List.of("rbac-team-a", "rbac-team-b");
        List<HasMetadata> chart = install(release, system, "--set", "watchNamespaces={" + String.join(",", watched) + "}");
        String user = serviceAccountUser(chart);
        assertTrue(Helm.ofKind(chart, ClusterRole.class).isEmpty());

        Map<String, String> env = operatorEnv(chart, system);
        long from = auditLines();
        try (RunningOperator operator = operatorAs(user, env)) {
            Scenario a = new Scenario(watched.get(0), true);
            Scenario b = new Scenario(watched.get(1), true);
            a.createDemos();
            b.createDemos();
            a.awaitEverything();
            b.awaitEverything();
            a.runLessons();
            b.runLessons();
            a.dropTheKafkaTopicAndDelete();
            b.dropTheKafkaTopicAndDelete();
        }
        List<AuditEvent> events = auditEvents(from, user);
        assertNothingRefused(events);

        Set<String> granted = new TreeSet<>();
        Helm.ofKind(chart, Role.class).forEach(r -> granted.addAll(permissions(r.getRules())));
        Set<String> used = events.stream().map(AuditEvent::permission).collect(Collectors.toCollection(TreeSet::new));
        LOG.info("Granted: {}", granted);
        LOG.info("Used (audit log): {}", used);
        assertEquals(Set.of(), difference(used, granted), "used but not granted (allowed by Kubernetes' default roles?)");
        assertEquals(Set.of(), difference(Set.of("interactiondemo.dev/interactionlessons:list",
                "interactiondemo.dev/interactionlessons:watch", "interactiondemo.dev/interactionlessons:patch",
                "interactiondemo.dev/interactionlessons/status:patch"), used), "the lessons' permissions in use");

        // What no request shows: take it away, one at a time, and something the operator does must fail.
        Set<String> unseen = difference(granted, used);
        LOG.info("Granted, not in the audit log (each must be needed): {}", unseen);
        Role watchRole = Helm.ofKind(chart, Role.class).stream().filter(r -> r.getMetadata().getNamespace()
                .equals(watched.get(0))).findFirst().orElseThrow();
        Role leaseRole = Helm.ofKind(chart, Role.class).stream().filter(r -> r.getMetadata().getNamespace()
                .equals(system)).findFirst().orElseThrow();
        List<CompletableFuture<String>> runs = new ArrayList<>();
        ExecutorService parallel = Executors.newFixedThreadPool(Math.max(1, unseen.size()));
        int i = 0;
        for (String permission : unseen) {
            int run = i++;
            runs.add(CompletableFuture.supplyAsync(() -> withoutPermission(permission, watchRole, leaseRole, system,
                    run, env), parallel));
        }
        List<String> notNeeded = runs.stream().map(CompletableFuture::join).filter(r -> !r.isEmpty()).toList();
        parallel.shutdown();
        assertEquals(List.of(), notNeeded, "granted but never needed");
    }

    @Test
    void clusterWideRbacIsSufficient() throws Exception {
        String release = "cluster";
        String system = "cluster-system";
        List<HasMetadata> chart = install(release, system);
        String user = serviceAccountUser(chart);
        assertEquals(1, Helm.ofKind(chart, ClusterRole.class).size());
        Map<String, String> env = operatorEnv(chart, system);
        assertEquals("", env.get("WATCH_NAMESPACES"));
        long from = auditLines();
        try (RunningOperator operator = operatorAs(user, env)) {
            Scenario s = new Scenario("rbac-anywhere", true);
            s.createDemos();
            s.awaitEverything();
            s.runLessons();
            s.dropTheKafkaTopicAndDelete();
        }
        List<AuditEvent> events = auditEvents(from, user);
        assertNothingRefused(events);
        Set<String> granted = new TreeSet<>(permissions(Helm.ofKind(chart, ClusterRole.class).get(0).getRules()));
        Helm.ofKind(chart, Role.class).forEach(r -> granted.addAll(permissions(r.getRules())));
        Set<String> used = events.stream().map(AuditEvent::permission).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), difference(used, granted), "used but not granted");
        assertTrue(events.stream().anyMatch(e -> e.verb().equals("watch") && e.namespace() == null
                && e.permission().equals("interactiondemo.dev/interactiondemos:watch")), "watches all namespaces");
    }

    /**
     * The admission plugin is on: an owner reference that blocks its owner's deletion needs update on the owner's
     * finalizers, so the operator's Deployments (created without that permission) prove theirs block nothing.
     */
    @Test
    void ownerReferencesThatBlockDeletionAreCheckedHere() {
        String ns = "rbac-owner-check";
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        var owner = admin.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("owner").endMetadata().build()).serverSideApply();
        admin.serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("creator").endMetadata().build()).serverSideApply();
        bind(ns, "creator", ns, List.of(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                .withVerbs("create").build()));
        try (KubernetesClient creator = client("system:serviceaccount:" + ns + ":creator")) {
            var child = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("child")
                    .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("owner")
                    .withUid(owner.getMetadata().getUid()).withBlockOwnerDeletion(true).endOwnerReference()
                    .endMetadata().build();
            var refused = org.junit.jupiter.api.Assertions.assertThrows(
                    io.fabric8.kubernetes.client.KubernetesClientException.class,
                    () -> creator.configMaps().inNamespace(ns).resource(child).create());
            assertEquals(403, refused.getCode(), refused.getMessage());
            child.getMetadata().getOwnerReferences().get(0).setBlockOwnerDeletion(null);
            creator.configMaps().inNamespace(ns).resource(child).create();
        }
    }

    /**
     * The scenario under the chart's Roles without {@code permission} (its own namespace, ServiceAccount and Lease);
     * returns "" when the operator failed for want of it (a request refused, or java-operator-sdk's check of the
     * Lease permissions failed), else a description.
     */
    private static String withoutPermission(String permission, Role watchRole, Role leaseRole, String system, int run,
                                            Map<String, String> baseEnv) {
        String ns = "rbac-without-" + run;
        String sa = "without-" + run;
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        admin.serviceAccounts().inNamespace(system).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName(sa).endMetadata().build()).serverSideApply();
        bind(ns, sa, system, without(watchRole.getRules(), permission, null));
        bind(system, sa, system, without(leaseRole.getRules(), permission, sa));
        String user = "system:serviceaccount:" + system + ":" + sa;
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("WATCH_NAMESPACES", ns);
        env.put("LEASE_NAME", sa);
        long from = auditLines();
        RunningOperator operator;
        try {
            operator = operatorAs(user, env);
        } catch (RuntimeException e) {
            LOG.info("Without {}: the operator does not start: {}", permission, e.toString());
            return "";
        }
        try (operator) {
            Scenario s = new Scenario(ns, false);
            s.createDemos();
            BooleanSupplier refused = () -> auditEvents(from, user).stream().anyMatch(AuditEvent::refused);
            if (!s.until(refused, Duration.ofSeconds(20))) {
                s.awaitEverything();
                s.runLessons();
                s.dropTheKafkaTopicAndDelete();
            }
            if (s.until(refused, Duration.ofSeconds(5))) {
                LOG.info("Without {}: refused {}", permission, auditEvents(from, user).stream()
                        .filter(AuditEvent::refused).map(AuditEvent::toString).distinct().toList());
                return "";
            }
            return permission + " (nothing the operator did was refused without it)";
        }
    }

    /** A Role with these rules in {@code ns}, bound to ServiceAccount {@code sa} of namespace {@code system}. */
    private static void bind(String ns, String sa, String system, List<PolicyRule> rules) {
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName(sa).endMetadata()
                .withRules(rules).build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName(sa)
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", sa)
                .addNewSubject().withKind("ServiceAccount").withName(sa).withNamespace(system).endSubject()
                .build()).serverSideApply();
    }

    /**
     * Direct- and Strimzi-mode demos in one namespace, and one with a managed KafkaUser (whose Secret the operator
     * reads): creation, the Strimzi one switched to Direct, deletion.
     */
    private static final class Scenario {
        private final String ns;
        private final boolean strict;
        private final String direct;
        private final String strimzi;
        private final String user;

        Scenario(String ns, boolean strict) {
            this.ns = ns;
            this.strict = strict;
            // Names unique across namespaces: the Direct topics share one Kafka broker.
            this.direct = ns + "-direct";
            this.strimzi = ns + "-strimzi";
            this.user = ns + "-user";
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .serverSideApply();
        }

        void createDemos() {
            admin.resources(InteractionDemo.class).inNamespace(ns).resource(DirectModeTest.directDemo(direct, ""))
                    .create();
            admin.resources(InteractionDemo.class).inNamespace(ns).resource(Serialization.unmarshal("""
                    apiVersion: interactiondemo.dev/v1alpha1
                    kind: InteractionDemo
                    metadata:
                      name: %s
                    spec:
                      kafka:
                        clusterName: my-cluster
                    """.formatted(strimzi), InteractionDemo.class)).create();
            admin.resources(InteractionDemo.class).inNamespace(ns).resource(Serialization.unmarshal("""
                    apiVersion: interactiondemo.dev/v1alpha1
                    kind: InteractionDemo
                    metadata:
                      name: %s
                    spec:
                      kafka:
                        clusterName: my-cluster
                        user: {managed: true}
                    """.formatted(user), InteractionDemo.class)).create();
        }

        void awaitEverything() {
            for (String d : List.of(direct + "-greeter", direct + "-worker", direct + "-host", strimzi + "-greeter",
                    strimzi + "-worker")) {
                await("Deployment " + d, () -> admin.apps().deployments().inNamespace(ns).withName(d).get() != null);
            }
            for (String s : List.of(direct + "-greeter", strimzi + "-greeter")) {
                await("Service " + s, () -> admin.services().inNamespace(ns).withName(s).get() != null);
            }
            await("KafkaTopic " + strimzi + "-notifications", () -> topic().get() != null);
            await("KafkaUser " + user + "-user", () -> admin.genericKubernetesResources("kafka.strimzi.io/v1",
                    "KafkaUser").inNamespace(ns).withName(user + "-user").get() != null);
            await("the status of " + user + ", its Secret looked for", () -> {
                InteractionDemo d = demo(user);
                return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                        && d.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("UserReady"))
                        && d.getStatus().getConditions().stream().anyMatch(c -> "SecretNotFound".equals(c.getReason()));
            });
            // The Topic Operator's part: the topic is Ready; then the Host starts.
            if (topic().get() != null) {
                topic().editStatus(t -> {
                    t.getAdditionalProperties().put("status", Map.of("topicName", strimzi + "-notifications",
                            "observedGeneration", t.getMetadata().getGeneration(), "conditions", List.of(Map.of("type", "Ready", "status", "True",
                                    "lastTransitionTime", "2026-01-01T00:00:00Z"))));
                    return t;
                });
            }
            await("Deployment " + strimzi + "-host", () -> admin.apps().deployments().inNamespace(ns)
                    .withName(strimzi + "-host").get() != null);
            for (String name : List.of(direct, strimzi)) {
                await("the status of " + name, () -> {
                    InteractionDemo d = demo(name);
                    return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                            && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration())
                            && (!name.equals(strimzi) || "True".equals(condition(d, "TopicReady")));
                });
                if (strict) {
                    InteractionDemo d = demo(name);
                    d.getStatus().getConditions().forEach(c -> assertFalse(String.valueOf(c.getMessage())
                            .toLowerCase(Locale.ROOT).contains("forbidden"), name + ": " + c));
                }
            }
        }

        /**
         * InteractionLessons on the Direct demo: one runs to its end (switches a fault, gives it back), one is deleted
         * mid-step (its finalizer gives the fault back, then goes); both leave the demo's managedFields.
         */
        void runLessons() {
            String done = ns + "-ends";
            String deleted = ns + "-deleted";
            for (String name : List.of(done, deleted)) {
                admin.resources(InteractionLesson.class).inNamespace(ns).resource(Serialization.unmarshal("""
                        apiVersion: interactiondemo.dev/v1alpha1
                        kind: InteractionLesson
                        metadata:
                          name: %s
                        spec:
                          demo: %s
                          steps:
                          - name: errors
                            set: {faults: {greeter: {errorRate: 0.1}}}
                            hold: %s
                        """.formatted(name, direct, name.equals(done) ? "1s" : "10m"), InteractionLesson.class))
                        .create();
                await("lesson " + name + " switching the fault", () -> {
                    InteractionDemo d = demo(direct);
                    return d != null && d.getSpec().getFaults() != null && d.getSpec().getFaults().getGreeter() != null
                            && d.getSpec().getFaults().getGreeter().getErrorRate() != null;
                });
                if (name.equals(done)) {
                    await("lesson " + name + " Complete", () -> {
                        InteractionLesson l = lesson(name);
                        return l != null && l.getStatus() != null && l.getStatus().getConditions() != null
                                && l.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Complete")
                                && c.getStatus().equals("True"));
                    });
                }
                admin.resources(InteractionLesson.class).inNamespace(ns).withName(name).delete();
                await("lesson " + name + " deleted (its finalizer removed)", () -> lesson(name) == null);
                await("the fault given back by " + name, () -> {
                    InteractionDemo d = demo(direct);
                    return d != null && (d.getSpec().getFaults() == null || d.getSpec().getFaults().getGreeter() == null
                            || d.getSpec().getFaults().getGreeter().getErrorRate() == null);
                });
            }
        }

        private InteractionLesson lesson(String name) {
            return admin.resources(InteractionLesson.class).inNamespace(ns).withName(name).get();
        }

        /** The Strimzi demo switches to Direct; then both demos are deleted (their finalizers removed). */
        void dropTheKafkaTopicAndDelete() {
            admin.resources(InteractionDemo.class).inNamespace(ns).withName(strimzi).patch(PatchContext.of(
                    PatchType.JSON_MERGE), "{\"spec\":{\"kafka\":{\"clusterName\":null,\"bootstrapServers\":\""
                    + LocalKafkaBroker.shared().bootstrapServers() + "\",\"topic\":{\"management\":\"Direct\"}}}}");
            // The operator leaves the KafkaTopic to the garbage collector; should it delete it one day, the audit
            // log shows the request (refused until the chart grants delete).
            until(() -> topic().get() == null, Duration.ofSeconds(3));
            // The lesson "Kafka cut off": a NetworkPolicy while the fault is on, none once it is lifted. Twice: the
            // second time its Events are repeats, which bump the Events of the first (get, patch).
            var cut = admin.network().v1().networkPolicies().inNamespace(ns).withName(direct + "-host-kafka-cut");
            for (int round = 0; round < 2; round++) {
                admin.resources(InteractionDemo.class).inNamespace(ns).withName(direct).patch(PatchContext.of(
                        PatchType.JSON_MERGE), "{\"spec\":{\"faults\":{\"kafka\":{\"cutHost\":true}}}}");
                await("NetworkPolicy " + direct + "-host-kafka-cut", () -> cut.get() != null);
                await("FaultsActive in the status", () -> faultsActive(direct).equals("True"));
                admin.resources(InteractionDemo.class).inNamespace(ns).withName(direct).patch(PatchContext.of(
                        PatchType.JSON_MERGE), "{\"spec\":{\"faults\":null}}");
                await("the cut lifted", () -> cut.get() == null);
                await("no fault in the status", () -> faultsActive(direct).equals("False"));
            }
            for (String name : List.of(direct, strimzi, user)) {
                admin.resources(InteractionDemo.class).inNamespace(ns).withName(name).delete();
            }
            for (String name : List.of(direct, strimzi, user)) {
                await(name + " deleted (its finalizer removed)", () -> demo(name) == null);
            }
        }

        private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> topic() {
            return admin.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic").inNamespace(ns)
                    .withName(strimzi + "-notifications");
        }

        private String faultsActive(String name) {
            InteractionDemo d = demo(name);
            return d == null || d.getStatus() == null ? "" : d.getStatus().getConditions().stream()
                    .filter(c -> "FaultsActive".equals(c.getType())).map(c -> c.getStatus()).findFirst().orElse("");
        }

        private InteractionDemo demo(String name) {
            return admin.resources(InteractionDemo.class).inNamespace(ns).withName(name).get();
        }

        private void await(String what, BooleanSupplier condition) {
            if (!until(condition, strict ? WAIT : Duration.ofSeconds(10)) && strict) {
                fail("timed out waiting for " + what + " in " + ns);
            }
        }

        /** Whether {@code condition} came true within {@code timeout} (a timeout is an answer here, not a failure). */
        boolean until(BooleanSupplier condition, Duration timeout) {
            try {
                Await.until("a condition in " + ns, condition::getAsBoolean, timeout, Duration.ofMillis(200));
                return true;
            } catch (AssertionError timedOut) {
                return false;
            }
        }

        private static String condition(InteractionDemo d, String type) {
            return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
                    .map(c -> c.getStatus()).orElse(null);
        }
    }

    // --- the chart, the API server, the audit log ---

    /** Renders the chart as {@code release} in namespace {@code system} and applies its ServiceAccount and RBAC. */
    private static List<HasMetadata> install(String release, String system, String... args) {
        List<String> all = new ArrayList<>(List.of("template", release, Helm.chart().toString(), "--namespace", system));
        all.addAll(List.of(args));
        List<HasMetadata> chart = Helm.parse(Helm.run(all.toArray(String[]::new)).orFail().output());
        Set<String> namespaces = new TreeSet<>();
        namespaces.add(system);
        chart.stream().map(o -> o.getMetadata().getNamespace()).filter(n -> n != null).forEach(namespaces::add);
        namespaces.forEach(n -> admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(n)
                .endMetadata().build()).serverSideApply());
        for (HasMetadata o : chart) {
            if (o instanceof ServiceAccount || o instanceof Role || o instanceof RoleBinding || o instanceof ClusterRole
                    || o instanceof ClusterRoleBinding) {
                admin.resource(o).serverSideApply();
            }
        }
        return chart;
    }

    private static String serviceAccountUser(List<HasMetadata> chart) {
        ServiceAccount sa = Helm.ofKind(chart, ServiceAccount.class).get(0);
        return "system:serviceaccount:" + sa.getMetadata().getNamespace() + ":" + sa.getMetadata().getName();
    }

    /** The operator's settings as the chart's Deployment sets them (POD_NAMESPACE as the pod would get it). */
    private static Map<String, String> operatorEnv(List<HasMetadata> chart, String system) {
        Map<String, String> env = new LinkedHashMap<>(Helm.env(Helm.deployment(chart)));
        env.put("POD_NAMESPACE", system);
        env.put("OPERATOR_HTTP_PORT", "0");
        env.put("STATUS_INTERVAL", "1s");
        env.put("TOPIC_READY_TIMEOUT", "5s");
        return env;
    }

    private static RunningOperator operatorAs(String user, Map<String, String> env) {
        return RunningOperator.start(client(user), env.get("WATCH_NAMESPACES"), env, d -> "localhost:1");
    }

    private static KubernetesClient client(String impersonate) {
        Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
        if (impersonate != null) {
            config.setImpersonateUsername(impersonate);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static void installCrd(InputStream in) throws IOException {
        try (in) {
            CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
            admin.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
            admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                            30, TimeUnit.SECONDS);
        }
    }

    /** One request of the operator, as the audit log records it. */
    record AuditEvent(String verb, String group, String resource, String subresource, String namespace, String name,
                      int code) {
        String permission() {
            return group + "/" + resource + (subresource == null ? "" : "/" + subresource) + ":" + verb;
        }

        boolean refused() {
            return code == 403;
        }
    }

    private static long auditLines() {
        try (var lines = Files.lines(auditLog)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resource requests {@code user} made (impersonated) since line {@code from} of the audit log. */
    @SuppressWarnings("unchecked")
    private static List<AuditEvent> auditEvents(long from, String user) {
        List<String> lines;
        try (var all = Files.lines(auditLog)) {
            lines = all.skip(from).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<AuditEvent> events = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> e;
            try {
                e = Serialization.jsonMapper().readValue(line, Map.class);
            } catch (IOException ex) {
                continue; // a line being written
            }
            Map<String, Object> impersonated = (Map<String, Object>) e.get("impersonatedUser");
            Map<String, Object> ref = (Map<String, Object>) e.get("objectRef");
            if (impersonated == null || !user.equals(impersonated.get("username")) || ref == null) {
                continue;
            }
            String group = (String) Optional.ofNullable(ref.get("apiGroup")).orElse("");
            if (group.equals("authorization.k8s.io") || ref.get("resource") == null) {
                continue; // SelfSubjectRulesReview (leader election's check) and discovery: every user may
            }
            Map<String, Object> status = (Map<String, Object>) e.getOrDefault("responseStatus", Map.of());
            int code = ((Number) status.getOrDefault("code", 0)).intValue();
            events.add(new AuditEvent((String) e.get("verb"), group, (String) ref.get("resource"),
                    (String) ref.get("subresource"), (String) ref.get("namespace"), (String) ref.get("name"), code));
        }
        return events;
    }

    private static void assertNothingRefused(List<AuditEvent> events) {
        assertFalse(events.isEmpty(), "no request of the operator in the audit log");
        List<String> refused = events.stream().filter(AuditEvent::refused).map(AuditEvent::toString).distinct().toList();
        assertEquals(List.of(), refused, "requests the API server refused");
    }

    static Set<String> permissions(List<PolicyRule> rules) {
        return Helm.permissions(rules);
    }

    /** The rules without one permission; resource names, where a rule has some, replaced by {@code name}. */
    private static List<PolicyRule> without(List<PolicyRule> rules, String permission, String name) {
        List<PolicyRule> result = new ArrayList<>();
        for (PolicyRule r : rules) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    List<String> verbs = r.getVerbs().stream().filter(v -> !(g + "/" + res + ":" + v).equals(permission))
                            .toList();
                    if (!verbs.isEmpty()) {
                        result.add(new PolicyRuleBuilder().withApiGroups(g).withResources(res).withVerbs(verbs)
                                .withResourceNames(r.getResourceNames().isEmpty() ? List.of() : List.of(name))
                                .build());
                    }
                }
            }
        }
        return result;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
