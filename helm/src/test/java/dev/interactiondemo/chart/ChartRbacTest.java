package dev.interactiondemo.chart;

import dev.interactiondemo.operator.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.interactiondemo.operator.Helm.FULLNAME;
import static dev.interactiondemo.operator.Helm.deployment;
import static dev.interactiondemo.operator.Helm.env;
import static dev.interactiondemo.operator.Helm.permissions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's RBAC, rendered by the real helm binary: what it installs for a cluster-wide and a namespace-scoped
 * operator (exact rules, bindings, namespaces), the leader-election Lease's Role, and without leader election, RBAC
 * creation or a ServiceAccount of its own. The operator module's RbacTest proves the rules are what the operator uses.
 */
class ChartRbacTest {
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
                .forEach(o -> assertEquals(Helm.RELEASE_NAMESPACE, o.getMetadata().getNamespace(), Helm.name(o)));
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
        return objects.stream().map(Helm::name).collect(Collectors.toSet());
    }
}
