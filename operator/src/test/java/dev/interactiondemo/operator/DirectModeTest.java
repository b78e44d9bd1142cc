package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Direct-mode demo against a real API server and a real Kafka broker: the dependents the operator creates, how a
 * spec change rolls out, and the topic's deletion with the resource.
 */
class DirectModeTest {
    private static final String NS = "direct";
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static Admin admin;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafkaBroker.shared().bootstrapServers()));
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1"); // no Greeter answers here
    }

    @AfterAll
    static void stop() {
        operator.close();
        admin.close();
    }

    static InteractionDemo directDemo(String name, String extraSpec) {
        return directDemo(name, 2, extraSpec);
    }

    /** A Direct-mode demo on the shared test broker, its topic with this many partitions. */
    static InteractionDemo directDemo(String name, int partitions, String extraSpec) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic:
                      management: Direct
                      partitions: %d
                %s
                """.formatted(name, LocalKafkaBroker.shared().bootstrapServers(), partitions, extraSpec.indent(2)),
                InteractionDemo.class);
    }

    private static Optional<Deployment> deployment(String name) {
        return Optional.ofNullable(client.apps().deployments().inNamespace(NS).withName(name).get());
    }

    private static Map<String, String> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static Set<String> topics() {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void createsEveryDependentRollsOutChangesAndDeletesTheTopic() {
        InteractionDemo demo = client.resources(InteractionDemo.class).inNamespace(NS)
                .resource(directDemo("hello", "host: {messagesPerSecond: 7, callMode: async}")).create();

        Deployment greeter = Await.value("greeter Deployment", () -> deployment("hello-greeter"), Duration.ofSeconds(60));
        Container g = greeter.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("example.org/greeter:test", g.getImage());
        assertEquals(50051, g.getReadinessProbe().getGrpc().getPort());
        assertEquals("greet.Greeter", g.getReadinessProbe().getGrpc().getService());
        assertEquals("50051", env(greeter).get("GREETER_PORT"));
        assertRestricted(greeter);
        assertOwnedAndLabelled(greeter, demo, "greeter");

        Service service = Await.value("greeter Service", () -> Optional.ofNullable(
                client.services().inNamespace(NS).withName("hello-greeter").get()), Duration.ofSeconds(30));
        assertEquals(50051, service.getSpec().getPorts().get(0).getPort());
        assertEquals(Map.of("app.kubernetes.io/instance", "hello", "app.kubernetes.io/component", "greeter"),
                service.getSpec().getSelector());
        assertOwnedAndLabelled(service, demo, "greeter");

        Await.until("the topic created through the Admin API", () -> topics().contains("direct.hello-notifications"));
        Deployment host = Await.value("host Deployment, once the topic is ready", () -> deployment("hello-host"),
                Duration.ofSeconds(60));
        Map<String, String> hostEnv = env(host);
        assertEquals("host", hostEnv.get("NOTIFIER_ROLE"));
        assertEquals(LocalKafkaBroker.shared().bootstrapServers(), hostEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("direct.hello-notifications", hostEnv.get("NOTIFIER_TOPIC"));
        assertEquals("dns:///hello-greeter:50051", hostEnv.get("GREETER_TARGET"));
        assertEquals("7.0", hostEnv.get("NOTIFIER_RATE"));
        assertEquals("async", hostEnv.get("NOTIFIER_CALL_MODE"));
        assertEquals("/readyz", host.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe()
                .getHttpGet().getPath());
        assertEquals("example.org/notifier:test", host.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertRestricted(host);
        assertOwnedAndLabelled(host, demo, "host");

        Deployment worker = Await.value("worker Deployment", () -> deployment("hello-worker"), Duration.ofSeconds(30));
        assertEquals("direct.hello-workers", env(worker).get("NOTIFIER_GROUP_ID"));
        assertEquals("worker", env(worker).get("NOTIFIER_ROLE"));
        assertRestricted(worker);
        assertOwnedAndLabelled(worker, demo, "worker");

        InteractionDemo observed = Await.value("a status", () -> Optional.ofNullable(client.resources(
                InteractionDemo.class).inNamespace(NS).withName("hello").get()).filter(d -> d.getStatus() != null
                && d.getStatus().getTopic() != null && Boolean.TRUE.equals(d.getStatus().getTopic().getReady())
                && d.getStatus().getMessages() != null), Duration.ofSeconds(30));
        assertEquals(observed.getMetadata().getGeneration(), observed.getStatus().getObservedGeneration());
        assertEquals(2, observed.getStatus().getTopic().getPartitions());
        assertEquals(List.of("Ready", "GreeterAvailable", "TopicReady", "HostAvailable", "WorkerAvailable",
                "MessagesFlowing", "FaultsActive", "Reconciling"), observed.getStatus().getConditions().stream()
                .map(c -> c.getType()).toList(), "Reconciling: the parts are on their way");
        assertEquals("False", observed.getStatus().getConditions().get(0).getStatus(), "no pod runs: not Ready");

        // A spec change rolls out.
        patch("hello", "{\"spec\":{\"host\":{\"messagesPerSecond\":20},\"worker\":{\"replicas\":0}}}");
        Await.until("the new rate rolled out", () -> "20.0".equals(env(deployment("hello-host").orElseThrow())
                .get("NOTIFIER_RATE")));
        Await.until("the Worker scaled to 0", () -> deployment("hello-worker").orElseThrow().getSpec().getReplicas() == 0);

        // Deleting the resource deletes its topic.
        client.resources(InteractionDemo.class).inNamespace(NS).withName("hello").delete();
        Await.until("the topic deleted", () -> !topics().contains("direct.hello-notifications"));
        Await.until("the resource gone (finalizer removed)", () -> client.resources(InteractionDemo.class)
                .inNamespace(NS).withName("hello").get() == null);
    }

    /** A JSON merge patch, as {@code kubectl patch --type merge} sends: no resourceVersion, no conflict. */
    static void patch(String name, String json) {
        patch(client, NS, name, json);
    }

    static void patch(KubernetesClient client, String namespace, String name, String json) {
        client.resources(InteractionDemo.class).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    static void assertOwnedAndLabelled(HasMetadata child, InteractionDemo owner, String component) {
        var ref = child.getMetadata().getOwnerReferences();
        assertEquals(1, ref.size(), child.getMetadata().getName());
        assertEquals(owner.getMetadata().getUid(), ref.get(0).getUid());
        assertEquals("InteractionDemo", ref.get(0).getKind());
        Map<String, String> labels = child.getMetadata().getLabels();
        assertEquals(owner.getMetadata().getName(), labels.get("app.kubernetes.io/instance"));
        assertEquals(component, labels.get("app.kubernetes.io/component"));
        assertEquals("interaction-demo-operator", labels.get("app.kubernetes.io/managed-by"));
        assertNotNull(labels.get("app.kubernetes.io/name"));
    }

    /** The restricted Pod Security Standard. */
    static void assertRestricted(Deployment d) {
        var pod = d.getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        for (Container c : pod.getContainers()) {
            assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
            assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
            assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
            assertNotNull(c.getResources().getLimits().get("memory"));
            assertNotNull(c.getResources().getRequests().get("cpu"));
        }
    }
}
