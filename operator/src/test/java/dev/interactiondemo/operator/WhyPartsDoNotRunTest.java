package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.greeter.GreeterServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.interactiondemo.operator.SharedClusterTest.broker;
import static dev.interactiondemo.operator.SharedClusterTest.demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A part that cannot run names its cause, on a real API server: the test writes the statuses the controller manager
 * (a ReplicaSet refused by a quota, through its Deployment), the scheduler (a pod that fits no node) and the kubelet
 * (an image that cannot be pulled, a container OOM-killed in a loop) would write, and each cause shows on the right
 * part's condition within two status intervals, with {@code Stalled}; a healthy demo beside them stays Ready. The
 * statuses seen are also run through the Argo CD health check of docs/gitops.md and kept under
 * {@code target/captured-statuses/} (the copies in src/test/resources/statuses/ come from there).
 */
class WhyPartsDoNotRunTest {
    private static final String NS = "why";
    private static final String QUOTA_NS = "why-quota";
    private static final Duration INTERVAL = Duration.ofSeconds(3);
    /** The cause shows within two status intervals of the status that says it. */
    private static final Duration TWO_INTERVALS = INTERVAL.multipliedBy(2);
    private static final Path CAPTURED = Path.of("target", "captured-statuses");
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static GreeterServer greeter;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        KubeApi.namespace(QUOTA_NS);
        greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
        operator = RunningOperator.start(client, NS + "," + QUOTA_NS, Map.of("STATUS_INTERVAL",
                INTERVAL.toSeconds() + "s"), d -> "localhost:" + greeter.port());
    }

    @AfterAll
    static void stop() {
        operator.close();
        greeter.close();
    }

    @Test
    void eachCauseShowsOnItsPartAndAHealthyDemoBesideThemIsUnaffected() throws IOException {
        for (String name : List.of("healthy", "unscheduled", "no-image", "oom")) {
            create(NS, demo(name, broker(), "Direct", null));
        }
        create(QUOTA_NS, demo("crowded", broker(), "Direct", null));

        // A new demo on its way: Reconciling, and Progressing for Argo CD.
        InteractionDemo starting = Await.value("a first status", () -> demoWith(NS, "healthy",
                d -> condition(d, "Reconciling").isPresent()), Duration.ofSeconds(60));
        assertFalse(condition(starting, "Stalled").isPresent());
        expectHealth(starting, "Progressing", "progressing-starting");

        allAvailable(NS, "healthy", 1);
        InteractionDemo healthy = Await.value("the healthy demo Ready", () -> demoWith(NS, "healthy",
                d -> isTrue(d, "Ready") && condition(d, "Reconciling").isEmpty()), Duration.ofSeconds(60));
        expectHealth(healthy, "Healthy", "healthy");

        // The controller manager: the Worker's ReplicaSet cannot create its pod, the namespace's quota refuses it.
        String refusal = quotaRefusal(QUOTA_NS, "crowded-worker");
        KubeApi.reportAvailable(QUOTA_NS, "crowded-greeter", 1);
        KubeApi.reportAvailable(QUOTA_NS, "crowded-host", 1);
        Instant written = reportNoneAvailable(QUOTA_NS, "crowded-worker", List.of(new DeploymentConditionBuilder()
                .withType("ReplicaFailure").withStatus("True").withReason("FailedCreate").withMessage(refusal)
                .build()), 0);
        InteractionDemo crowded = expectCause(QUOTA_NS, "crowded", "WorkerAvailable", "QuotaExceeded", written);
        assertTrue(message(crowded, "WorkerAvailable").contains("ResourceQuota class-pods refuses the Worker's pods"),
                message(crowded, "WorkerAvailable"));
        assertTrue(message(crowded, "WorkerAvailable").endsWith("raise the quota or lower spec.worker.replicas"));
        assertTrue(isTrue(crowded, "HostAvailable"), "the Host is not the Worker");
        assertEquals("QuotaExceeded", condition(crowded, "Ready").orElseThrow().getReason());
        expectHealth(crowded, "Degraded", "degraded-quota");

        // The scheduler: the Greeter's pod fits no node.
        KubeApi.reportAvailable(NS, "unscheduled-host", 1);
        KubeApi.reportAvailable(NS, "unscheduled-worker", 1);
        reportNoneAvailable(NS, "unscheduled-greeter", List.of(), 1);
        written = podOf(NS, "unscheduled-greeter", new PodStatusBuilder().withPhase("Pending")
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                        .withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient memory. "
                                + "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming "
                                + "pod.").build()).build());
        InteractionDemo unscheduled = expectCause(NS, "unscheduled", "GreeterAvailable", "Unschedulable", written);
        assertTrue(message(unscheduled, "GreeterAvailable").contains("1 Insufficient memory"));

        // The kubelet: the Host's image cannot be pulled.
        KubeApi.reportAvailable(NS, "no-image-greeter", 1);
        KubeApi.reportAvailable(NS, "no-image-worker", 1);
        reportNoneAvailable(NS, "no-image-host", List.of(), 1);
        written = podOf(NS, "no-image-host", running("host", new ContainerStatusBuilder().withName("host")
                .withImage("example.org/notifier:test").withReady(false).withRestartCount(0).withNewState()
                .withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image "
                        + "\"example.org/notifier:test\"").endWaiting().endState().build()));
        InteractionDemo noImage = expectCause(NS, "no-image", "HostAvailable", "ImagePullFailed", written);
        assertTrue(message(noImage, "HostAvailable").contains("example.org/notifier:test cannot be pulled"));

        // The kubelet: the Worker is OOM-killed, again and again.
        KubeApi.reportAvailable(NS, "oom-greeter", 1);
        KubeApi.reportAvailable(NS, "oom-host", 1);
        reportNoneAvailable(NS, "oom-worker", List.of(), 1);
        written = podOf(NS, "oom-worker", running("worker", new ContainerStatusBuilder().withName("worker")
                .withImage("example.org/notifier:test").withReady(false).withRestartCount(4).withNewState()
                .withNewWaiting().withReason("CrashLoopBackOff").withMessage("back-off 1m20s restarting failed "
                        + "container=worker").endWaiting().endState().withNewLastState().withNewTerminated()
                .withExitCode(137).withReason("OOMKilled").endTerminated().endLastState().build()));
        InteractionDemo oom = expectCause(NS, "oom", "WorkerAvailable", "CrashLooping", written);
        String limit = client.apps().deployments().inNamespace(NS).withName("oom-worker").get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString();
        assertTrue(message(oom, "WorkerAvailable").contains("last exit code 137 (OOMKilled) at its memory limit of "
                + limit), message(oom, "WorkerAvailable"));
        expectHealth(oom, "Degraded", "degraded-oom");

        // A change rolls out: Progressing while the Worker's Deployment has not caught up, Healthy once it has.
        DirectModeTest.patch(client, NS, "healthy", "{\"spec\":{\"worker\":{\"replicas\":2}}}");
        InteractionDemo rolling = Await.value("the rollout seen", () -> demoWith(NS, "healthy",
                d -> condition(d, "Reconciling").map(c -> "RollingOut".equals(c.getReason())).orElse(false)),
                Duration.ofSeconds(60));
        assertTrue(isTrue(rolling, "Ready"), "the old pods still serve");
        expectHealth(rolling, "Progressing", "progressing-rollout");
        KubeApi.reportAvailable(NS, "healthy-worker", 2);
        healthy = Await.value("rolled out", () -> demoWith(NS, "healthy", d -> isTrue(d, "Ready")
                && condition(d, "Reconciling").isEmpty()), Duration.ofSeconds(60));

        // Beside four demos that cannot run, the healthy one says nothing of their causes.
        for (Condition c : healthy.getStatus().getConditions()) {
            assertFalse(List.of("QuotaExceeded", "Unschedulable", "ImagePullFailed", "CrashLooping", "NotReady")
                    .contains(c.getReason()), c.toString());
        }
        assertFalse(condition(healthy, "Stalled").isPresent());
        expectHealth(healthy, "Healthy", "healthy");
    }

    /**
     * The quota refusal the API server itself gives the ReplicaSet controller: a quota of no pods, its usage written
     * as the quota controller would, and a pod made from the Deployment's template, as the ReplicaSet would make it.
     */
    private static String quotaRefusal(String namespace, String deployment) {
        client.resourceQuotas().inNamespace(namespace).resource(new ResourceQuotaBuilder().withNewMetadata()
                .withName("class-pods").endMetadata().withNewSpec().withHard(Map.of("pods", new Quantity("0")))
                .endSpec().build()).create();
        client.resourceQuotas().inNamespace(namespace).withName("class-pods").editStatus(q -> {
            q.setStatus(new ResourceQuotaStatusBuilder().withHard(Map.of("pods", new Quantity("0")))
                    .withUsed(Map.of("pods", new Quantity("0"))).build());
            return q;
        });
        Deployment d = Await.value(deployment, () -> Optional.ofNullable(client.apps().deployments()
                .inNamespace(namespace).withName(deployment).get()), Duration.ofSeconds(60));
        Pod pod = new PodBuilder().withNewMetadata().withName(deployment + "-5d8f7-x2x9z")
                .withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(d.getSpec().getTemplate().getSpec()).build();
        String refusal = Await.value("the quota's refusal", () -> {
            try {
                client.pods().inNamespace(namespace).resource(pod).create();
                client.pods().inNamespace(namespace).resource(pod).delete();
                return Optional.empty(); // the quota's status not seen yet: try again
            } catch (KubernetesClientException e) {
                return Optional.ofNullable(e.getStatus() == null ? null : e.getStatus().getMessage())
                        .filter(m -> m.contains("exceeded quota"));
            }
        }, Duration.ofSeconds(30));
        assertTrue(refusal.contains("exceeded quota: class-pods"), refusal);
        return refusal;
    }

    /** As the Deployment controller writes a Deployment none of whose pods is available. */
    private static Instant reportNoneAvailable(String namespace, String name,
                                               List<io.fabric8.kubernetes.api.model.apps.DeploymentCondition> more,
                                               int replicas) {
        Await.value(name, () -> Optional.ofNullable(client.apps().deployments().inNamespace(namespace).withName(name)
                .get()), Duration.ofSeconds(60));
        List<io.fabric8.kubernetes.api.model.apps.DeploymentCondition> conditions = new ArrayList<>(List.of(
                new DeploymentConditionBuilder().withType("Available").withStatus("False")
                        .withReason("MinimumReplicasUnavailable")
                        .withMessage("Deployment does not have minimum availability.").build()));
        conditions.addAll(more);
        client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(replicas).withUpdatedReplicas(replicas).withUnavailableReplicas(1)
                    .withConditions(conditions).build());
            return d;
        });
        return Instant.now();
    }

    /** As the ReplicaSet controller makes a pod of a Deployment and the scheduler or the kubelet writes its status. */
    private static Instant podOf(String namespace, String deployment, PodStatus status) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
        Pod pod = client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata()
                .withName(deployment + "-7c9d6-q4k2p").withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata().withSpec(d.getSpec().getTemplate().getSpec()).build()).create();
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.setStatus(status);
            return p;
        });
        return Instant.now();
    }

    private static PodStatus running(String container, io.fabric8.kubernetes.api.model.ContainerStatus status) {
        return new PodStatusBuilder().withPhase("Running").withConditions(
                new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                new PodConditionBuilder().withType("Ready").withStatus("False").withReason("ContainersNotReady")
                        .withMessage("containers with unready status: [" + container + "]").build())
                .withContainerStatuses(status).build();
    }

    private static void allAvailable(String namespace, String demo, int replicas) {
        for (String part : List.of("greeter", "host", "worker")) {
            KubeApi.reportAvailable(namespace, demo + "-" + part, replicas);
        }
    }

    private static InteractionDemo expectCause(String namespace, String name, String type, String reason,
                                               Instant written) {
        InteractionDemo d = Await.value(type + " " + reason, () -> demoWith(namespace, name, x -> condition(x, type)
                .map(c -> reason.equals(c.getReason())).orElse(false)), Duration.ofSeconds(60));
        Duration took = Duration.between(written, Instant.now());
        assertTrue(took.compareTo(TWO_INTERVALS) <= 0, type + " said " + reason + " after " + took
                + ", more than two status intervals (" + TWO_INTERVALS + ")");
        assertEquals("False", condition(d, type).orElseThrow().getStatus());
        Condition stalled = Await.value("Stalled", () -> demoWith(namespace, name, x -> condition(x, "Stalled")
                .isPresent()).flatMap(x -> condition(x, "Stalled")), Duration.ofSeconds(30));
        assertEquals(reason, stalled.getReason());
        assertTrue(stalled.getMessage().startsWith(type + ": "), stalled.getMessage());
        return demoWith(namespace, name, x -> true).orElseThrow();
    }

    /** Argo CD's health of a status seen here, and the status kept for ArgoHealthCheckTest. */
    private static void expectHealth(InteractionDemo demo, String expected, String capture) throws IOException {
        Files.createDirectories(CAPTURED);
        InteractionDemo copy = Serialization.clone(demo);
        copy.getMetadata().setManagedFields(null);
        Files.writeString(CAPTURED.resolve(capture + ".json"), Serialization.asJson(copy));
        if (ArgoHealth.lua().isEmpty()) {
            System.err.println(ArgoHealth.NO_LUA);
            return;
        }
        ArgoHealth.Health health = ArgoHealth.of(demo);
        assertEquals(expected, health.status(), health.message());
        assertNotNull(health.message());
    }

    private static Optional<InteractionDemo> demoWith(String namespace, String name,
                                                      java.util.function.Predicate<InteractionDemo> test) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(namespace).withName(name).get())
                .filter(d -> d.getStatus() != null
                && d.getStatus().getConditions() != null).filter(test);
    }

    private static void create(String namespace, InteractionDemo demo) {
        client.resources(InteractionDemo.class).inNamespace(namespace).resource(demo).create();
    }

    private static Optional<Condition> condition(InteractionDemo d, String type) {
        return d.getStatus() == null || d.getStatus().getConditions() == null ? Optional.empty()
                : d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static boolean isTrue(InteractionDemo d, String type) {
        return condition(d, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static String message(InteractionDemo d, String type) {
        return condition(d, type).map(Condition::getMessage).orElseGet(() -> fail("no " + type));
    }
}
