package dev.interactiondemo.operator;

import dev.interactiondemo.operator.AuditedApiServer.AuditEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's RBAC against a real API server (its own kube-apiserver, with an audit log and the
 * OwnerReferencesPermissionEnforcement admission plugin): the rendered ServiceAccount, Roles and bindings are applied,
 * the operator runs in-process with a client that impersonates the ServiceAccount, and Direct- and Strimzi-mode
 * InteractionDemos go through their life (dependents created, status written, the Strimzi one switched to Direct,
 * deletion through the finalizer), and InteractionLessons on them (one run to its end, one deleted mid-step),
 * with leader election on ({@link AuditedApiServer}: the API server; {@link RbacScenario}: what the operator is made to
 * do).
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
    private static AuditedApiServer api;
    private static KubernetesClient admin;

    @BeforeAll
    static void startApiServer() throws IOException {
        api = AuditedApiServer.start(Path.of("target", "rbac-test").toAbsolutePath());
        admin = api.admin();
    }

    @AfterAll
    static void stopApiServer() {
        if (api != null) {
            api.close();
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
        long from = api.auditLines();
        try (RunningOperator operator = operatorAs(user, env)) {
            RbacScenario a = new RbacScenario(admin, watched.get(0), true);
            RbacScenario b = new RbacScenario(admin, watched.get(1), true);
            a.createDemos();
            b.createDemos();
            a.awaitEverything();
            b.awaitEverything();
            a.runLessons();
            b.runLessons();
            a.dropTheKafkaTopicAndDelete();
            b.dropTheKafkaTopicAndDelete();
        }
        List<AuditEvent> events = api.auditEvents(from, user);
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
        long from = api.auditLines();
        try (RunningOperator operator = operatorAs(user, env)) {
            RbacScenario s = new RbacScenario(admin, "rbac-anywhere", true);
            s.createDemos();
            s.awaitEverything();
            s.runLessons();
            s.dropTheKafkaTopicAndDelete();
        }
        List<AuditEvent> events = api.auditEvents(from, user);
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
        try (KubernetesClient creator = api.client("system:serviceaccount:" + ns + ":creator")) {
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
        long from = api.auditLines();
        RunningOperator operator;
        try {
            operator = operatorAs(user, env);
        } catch (RuntimeException e) {
            LOG.info("Without {}: the operator does not start: {}", permission, e.toString());
            return "";
        }
        try (operator) {
            RbacScenario s = new RbacScenario(admin, ns, false);
            s.createDemos();
            BooleanSupplier refused = () -> api.auditEvents(from, user).stream().anyMatch(AuditEvent::refused);
            if (!s.until(refused, Duration.ofSeconds(20))) {
                s.awaitEverything();
                s.runLessons();
                s.dropTheKafkaTopicAndDelete();
            }
            if (s.until(refused, Duration.ofSeconds(5))) {
                LOG.info("Without {}: refused {}", permission, api.auditEvents(from, user).stream()
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
    // --- the chart, the audit log ---

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
        return RunningOperator.start(api.client(user), env.get("WATCH_NAMESPACES"), env, d -> "localhost:1");
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
