package dev.interactiondemo.engine;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Why a part's pods do not run, from the statuses the controller manager, the scheduler and the kubelet write. */
class PodCausesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    private static final String QUOTA_REFUSAL = "pods \"hello-worker-5d8f7-x2x9z\" is forbidden: exceeded quota: "
            + "class-quota, requested: pods=1, used: pods=4, limited: pods=4";

    private static DeploymentCondition replicaFailure(String message) {
        return new DeploymentConditionBuilder().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate")
                .withMessage(message).build();
    }

    private static PodBuilder pod(String container) {
        return new PodBuilder().withNewMetadata().withName("hello-worker-1").endMetadata()
                .withNewSpec().addNewContainer().withName(container).withImage("example.org/notifier:1")
                .withNewResources().withLimits(Map.of("memory", new Quantity("48Mi"))).endResources()
                .endContainer().endSpec();
    }

    private static Pod withContainer(ContainerStatusBuilder status) {
        return pod("worker").withNewStatus().withContainerStatuses(status.withName("worker").build()).endStatus()
                .build();
    }

    @Test
    void aQuotaNamesItselfTheResourcesAndTheRemedy() {
        Cause c = PodCauses.of("Worker", List.of(replicaFailure(QUOTA_REFUSAL)), List.of(), NOW);
        assertEquals(Cause.QUOTA_EXCEEDED, c.reason());
        assertEquals("ResourceQuota class-quota refuses the Worker's pods (requested pods=1; used pods=4; limited "
                + "pods=4): raise the quota or lower spec.worker.replicas", c.message());
        Cause memory = PodCauses.of("Greeter", List.of(replicaFailure("pods \"g\" is forbidden: exceeded quota: q, "
                + "requested: limits.memory=512Mi, used: limits.memory=0, limited: limits.memory=256Mi")), List.of(),
                NOW);
        assertTrue(memory.message().endsWith("raise the quota or lower spec.greeter.resources"), memory.message());
        assertNull(PodCauses.of("Worker", List.of(new DeploymentConditionBuilder(replicaFailure(QUOTA_REFUSAL))
                .withStatus("False").build()), List.of(), NOW), "a failure that no longer holds");
    }

    @Test
    void anUnschedulablePodGivesTheSchedulersWords() {
        Pod pod = pod("worker").withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient "
                        + "memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
                .endCondition().endStatus().build();
        Cause c = PodCauses.of("Worker", List.of(), List.of(pod), NOW);
        assertEquals(Cause.UNSCHEDULABLE, c.reason());
        assertTrue(c.message().contains("1 Insufficient memory"), c.message());
        assertTrue(c.message().endsWith("lower spec.worker.resources"), c.message());
    }

    @Test
    void anImageThatCannotBePulledIsNamed() {
        Cause c = PodCauses.of("Worker", List.of(), List.of(withContainer(new ContainerStatusBuilder()
                .withImage("example.org/notifier:1").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"example.org/notifier:1\"").endWaiting().endState())), NOW);
        assertEquals(Cause.IMAGE_PULL_FAILED, c.reason());
        assertTrue(c.message().startsWith("the Worker's image example.org/notifier:1 cannot be pulled "
                + "(ImagePullBackOff: Back-off pulling image"), c.message());
    }

    @Test
    void anOomKilledContainerInALoopNamesItsLimit() {
        Cause c = PodCauses.of("Worker", List.of(), List.of(withContainer(new ContainerStatusBuilder().withReady(false)
                .withRestartCount(4).withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting()
                .endState().withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled")
                .endTerminated().endLastState())), NOW);
        assertEquals(Cause.CRASH_LOOPING, c.reason());
        assertEquals("the Worker's container worker in pod hello-worker-1 keeps stopping (4 restarts, restarted after "
                + "a back-off): last exit code 137 (OOMKilled) at its memory limit of 48Mi: raise "
                + "spec.worker.resources.limits.memory", c.message());
        Cause error = PodCauses.of("Worker", List.of(), List.of(withContainer(new ContainerStatusBuilder()
                .withReady(false).withRestartCount(1).withNewState().withNewRunning().withStartedAt(NOW.toString())
                .endRunning().endState().withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                .endTerminated().endLastState())), NOW);
        assertEquals(Cause.CRASH_LOOPING, error.reason());
        assertTrue(error.message().contains("last exit code 1 (Error): kubectl logs hello-worker-1 --previous"),
                error.message());
    }

    @Test
    void aContainerNotReadyPastItsProbesChancesIsNotReadyBeforeThatItIsStarting() {
        ContainerStatusBuilder running = new ContainerStatusBuilder().withReady(false).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt(NOW.minusSeconds(10).toString()).endRunning().endState();
        assertNull(PodCauses.of("Worker", List.of(), List.of(withContainer(running)), NOW), "still starting");
        Cause c = PodCauses.of("Worker", List.of(), List.of(withContainer(running)), NOW.plusSeconds(60));
        assertEquals(Cause.NOT_READY, c.reason());
        assertTrue(c.message().contains("has run for 70 s and is not ready"), c.message());
    }

    @Test
    void theFirstCauseInOrderWinsAndDeletedPodsDoNotCount() {
        Pod crashing = withContainer(new ContainerStatusBuilder().withRestartCount(2).withNewState().withNewWaiting()
                .withReason("CrashLoopBackOff").endWaiting().endState());
        assertEquals(Cause.QUOTA_EXCEEDED, PodCauses.of("Worker", List.of(replicaFailure(QUOTA_REFUSAL)),
                List.of(crashing), NOW).reason());
        Pod leaving = new PodBuilder(crashing).editMetadata().withDeletionTimestamp(NOW.toString()).endMetadata()
                .build();
        assertNull(PodCauses.of("Worker", List.of(), List.of(leaving), NOW));
    }
}
