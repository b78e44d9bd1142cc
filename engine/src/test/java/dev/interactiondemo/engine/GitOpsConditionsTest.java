package dev.interactiondemo.engine;

import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kstatus's Reconciling and Stalled, from the demo's other conditions and its Deployments' rollouts. */
class GitOpsConditionsTest {
    private static final Workload DONE = Workload.running(1, null);

    private static List<Condition> parts(PartState greeter, PartState worker, Condition flowing) {
        return StatusConditions.compute(greeter, PartState.available("Exists", "topic"),
                PartState.available("Available", "1/1"), worker, flowing);
    }

    private static final Condition FLOWING = Conditions.of(StatusConditions.MESSAGES_FLOWING, true, "Flowing", "5/s");
    private static final PartState OK = PartState.available("Available", "1/1");

    @Test
    void allAvailableAndRolledOutIsNeither() {
        assertEquals(List.of(), GitOpsConditions.of(parts(OK, OK, FLOWING), List.of(DONE, DONE, DONE), List.of()));
    }

    @Test
    void aPartOnItsWayOrARolloutIsReconciling() {
        List<Condition> c = GitOpsConditions.of(parts(OK, PartState.unavailable("NoReplicasAvailable", "0/1"),
                FLOWING), List.of(DONE, DONE, DONE), List.of());
        assertEquals(1, c.size());
        assertEquals("Reconciling", c.get(0).getType());
        assertEquals("WorkerUnavailable", c.get(0).getReason());
        Workload rolling = new Workload(true, 1, 1, null, null, "the Worker's Deployment rolls out: 1 of 2 pods updated");
        c = GitOpsConditions.of(parts(OK, OK, FLOWING), List.of(DONE, DONE, rolling), List.of());
        assertEquals("RollingOut", c.get(0).getReason());
        assertEquals(rolling.rollout(), c.get(0).getMessage());
    }

    @Test
    void aCauseThatNeedsAChangeIsStalledNotReconciling() {
        List<Condition> c = GitOpsConditions.of(parts(OK, PartState.unavailable("QuotaExceeded", "0/1: quota q"),
                FLOWING), List.of(DONE, DONE, DONE), List.of());
        assertEquals(1, c.size());
        assertEquals("Stalled", c.get(0).getType());
        assertEquals("QuotaExceeded", c.get(0).getReason());
        assertEquals("WorkerAvailable: 0/1: quota q", c.get(0).getMessage());
        c = GitOpsConditions.of(parts(OK, OK, Conditions.of(StatusConditions.MESSAGES_FLOWING, false,
                "KafkaAuthenticationFailed", "refused")), List.of(DONE, DONE, DONE), List.of());
        assertEquals("Stalled", c.get(0).getType(), "a refused login on MessagesFlowing (Strimzi mode) stalls too");
    }

    @Test
    void whatTheSpecAsksForIsNeither() {
        assertEquals(List.of(), GitOpsConditions.of(parts(PartState.unavailable("ScaledToZero", "0"), OK, FLOWING),
                List.of(DONE, DONE, DONE), List.of()));
        assertEquals(List.of(), GitOpsConditions.of(parts(PartState.unavailable("NotServing", "NOT_SERVING"), OK,
                FLOWING), List.of(DONE, DONE, DONE), List.of("greeter.unavailable=true")));
        assertEquals(List.of(), GitOpsConditions.of(parts(PartState.unavailable("NotReady", "probe fails"), OK,
                FLOWING), List.of(DONE, DONE, DONE), List.of("greeter.unavailable=true")), "its pods unready too");
        assertTrue(GitOpsConditions.of(parts(PartState.unavailable("NotServing", "NOT_SERVING"), OK, FLOWING),
                List.of(DONE, DONE, DONE), List.of()).get(0).getType().equals("Reconciling"));
    }
}
