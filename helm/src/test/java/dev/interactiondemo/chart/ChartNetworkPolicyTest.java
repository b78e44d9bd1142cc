package dev.interactiondemo.chart;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.Helm;
import dev.interactiondemo.operator.KubeApi;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.Labels;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.interactiondemo.operator.Helm.FULLNAME;
import static dev.interactiondemo.operator.Helm.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's NetworkPolicy (networkPolicy.enabled), rendered by the real helm binary: what the operator's pod may
 * connect to and accept, following the watched namespaces and the values, and accepted by a real API server.
 */
class ChartNetworkPolicyTest {
    /** The NetworkPolicy on, with the two API server addresses it needs then. */
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
        List<HasMetadata> objects = Helm.render(Helm.concat(NETWORK_POLICY, "--set", "watchNamespaces={team-a,team-b}",
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
            for (String[] values : List.of(NETWORK_POLICY, Helm.concat(NETWORK_POLICY, "--set", "watchNamespaces={team-a}",
                    "--set", "networkPolicy.metricsFrom[0].podSelector.matchLabels.app=prometheus",
                    "--set", "networkPolicy.dns.to[0].ipBlock.cidr=169.254.20.10/32"))) {
                Files.writeString(manifest, Helm.template(Helm.concat(values, "--show-only",
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
}
