package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losing the lease does not end the process (with one replica nobody else would take over; the pod would only
 * restart): the operator reconciles no more while another holds the lease, and again once it takes it back.
 */
class LeaderElectionTest {
    private static final String NS = "lease-lost";
    private static final String LEASE = "interaction-demo-operator";

    @Test
    void theConfigurationNeitherExitsNorHaltsOnLosingTheLease() {
        OperatorConfig config = OperatorConfig.from(new String[0], Map.of("LEADER_ELECTION", "true",
                "POD_NAMESPACE", NS));
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicInteger lost = new AtomicInteger();
        LeaderElectionConfiguration c = OperatorMain.leaderElection(config, stopping, "me", lost::incrementAndGet);
        assertFalse(c.isExitOnStopLeading(), "java-operator-sdk would exit the process");
        assertEquals(Optional.of("me"), c.getIdentity());

        // Lost while running: the caller is told (it starts over); the process lives on to assert it.
        c.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertEquals(1, lost.get());
        // Released because the operator stops: nothing to start over.
        stopping.set(true);
        c.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertEquals(1, lost.get());
    }

    @Test
    void aLostLeaseStopsTheReconcilingUntilItIsTakenBack() {
        KubernetesClient client = KubeApi.client();
        KubeApi.namespace(NS);
        try (RunningOperator operator = RunningOperator.start(client, NS, Map.of("LEADER_ELECTION", "true",
                "POD_NAMESPACE", NS), d -> "localhost:1")) {
            String us = Await.value("the lease taken", () -> holder(client), Duration.ofSeconds(60));
            create(client, "before");
            Await.until("the demo reconciled while leading", () -> reconciled(client, "before"));

            // Another holder takes the lease and keeps it for 30 s without renewing it: more than java-operator-sdk's
            // renew deadline (10 s), after which this replica has lost it.
            Operator lost = operator.operator();
            ZonedDateTime until = ZonedDateTime.now().plusSeconds(30);
            client.leases().inNamespace(NS).withName(LEASE).edit(l -> {
                l.getSpec().setHolderIdentity("intruder");
                l.getSpec().setAcquireTime(ZonedDateTime.now());
                l.getSpec().setRenewTime(ZonedDateTime.now());
                l.getSpec().setLeaseDurationSeconds(30);
                return l;
            });
            Await.until("the operator that lost the lease replaced", () -> operator.operator() != lost,
                    Duration.ofSeconds(30));
            assertFalse(lost.getRuntimeInfo().isStarted(), "the operator that lost the lease is stopped");

            // While the intruder holds it, a new demo is not reconciled.
            create(client, "meanwhile");
            long checks = 0;
            while (ZonedDateTime.now().isBefore(until.minusSeconds(3))) {
                assertFalse(reconciled(client, "meanwhile"), "reconciled while another replica holds the lease");
                checks++;
                sleep(Duration.ofMillis(200));
            }
            assertTrue(checks > 0, "the intruder's lease was over before it could be checked");

            // Once the intruder's lease expired, this replica takes it back and reconciles again.
            Await.until("the demo created meanwhile reconciled", () -> reconciled(client, "meanwhile"),
                    Duration.ofSeconds(60));
            assertEquals(Optional.of(us), holder(client), "the same replica holds the lease again");
            assertNotEquals(lost, operator.operator());
        }
    }

    private static Optional<String> holder(KubernetesClient client) {
        return Optional.ofNullable(client.leases().inNamespace(NS).withName(LEASE).get()).map(Lease::getSpec)
                .map(s -> s.getHolderIdentity());
    }

    private static void create(KubernetesClient client, String name) {
        client.resources(InteractionDemo.class).inNamespace(NS).resource(DirectModeTest.directDemo(name, "")).create();
    }

    /** Whether the operator created the demo's dependents: its Greeter's Deployment. */
    private static boolean reconciled(KubernetesClient client, String name) {
        return client.apps().deployments().inNamespace(NS).withName(name + "-greeter").get() != null;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
