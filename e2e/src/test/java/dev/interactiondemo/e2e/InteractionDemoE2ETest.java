package dev.interactiondemo.e2e;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.interactiondemo.e2e.Demos.condition;
import static dev.interactiondemo.e2e.Demos.is;
import static dev.interactiondemo.e2e.KafkaOnTheNode.CA;
import static dev.interactiondemo.e2e.KafkaOnTheNode.SASL_SSL_PORT;
import static dev.interactiondemo.e2e.KafkaOnTheNode.SECURED;
import static dev.interactiondemo.e2e.KafkaOnTheNode.SECURE_DEMO;
import static dev.interactiondemo.e2e.KafkaOnTheNode.SECURE_PASSWORD;
import static dev.interactiondemo.e2e.KafkaOnTheNode.SECURE_USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mission, on a real Kubernetes node: the chart installs the operator, an InteractionDemo is applied, real pods
 * run the Greeter, the Host and the Worker against a real Kafka broker (a pod too), and the status the operator
 * writes matches what happened, through faults. Run with {@code ./mvnw -Pe2e verify} (see e2e/README.md). The tests
 * run in order, each on what the ones before left; what they stand on: {@link ClusterAccess} (the cluster, kubectl,
 * helm), {@link Demos} (the demos' status, waits and patches), {@link KafkaOnTheNode} (the broker, secured too).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InteractionDemoE2ETest {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionDemoE2ETest.class);
    static final String SYSTEM = "idemo-system";
    static final String NS = "idemo-e2e";
    static final String DEMO = "hello";
    static final String VERSION = System.getProperty("project.version");
    /** The demo with a wrong password, beside the secured one ({@link KafkaOnTheNode#SECURE_DEMO}). */
    static final String WRONG_DEMO = "wrong-password";

    private static ClusterAccess cluster;
    private static KubernetesClient client;
    private static Demos demos;

    @BeforeAll
    static void setUp() throws IOException {
        Object picked = Clusters.pick();
        Assumptions.assumeTrue(picked instanceof Cluster, () -> "skipped: " + picked);
        LOG.info("End to end on {}", ((Cluster) picked).describe());
        Path root = Shell.repoRoot();
        cluster = ClusterAccess.open((Cluster) picked, List.of(root.resolve("greeter-image/target/greeter-image.tar"),
                root.resolve("notifier-image/target/notifier-image.tar"),
                root.resolve("operator/target/operator-image.tar"),
                root.resolve("local-kafka/target/local-kafka-image.tar")));
        client = cluster.client();
        demos = new Demos(cluster, NS, DEMO);
        for (String ns : List.of(SYSTEM, NS)) {
            cluster.restrictedNamespace(ns);
        }
        KafkaOnTheNode.start(cluster, NS, VERSION);
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void helmInstallsTheOperatorAndItBecomesReady() {
        cluster.helm("upgrade", "--install", "idemo", "helm/interaction-demo-operator", "--namespace", SYSTEM,
                "--set", "image.tag=" + VERSION, "--set", "demoImages.greeter.tag=" + VERSION,
                "--set", "demoImages.notifier.tag=" + VERSION, "--set", "statusInterval=3s",
                "--set", "watchNamespaces={" + NS + "}", "--wait", "--timeout", "5m");
        cluster.kubectl("-n", SYSTEM, "rollout", "status", "deployment", "--timeout=5m");
    }

    @Test
    @Order(2)
    void theDirectModeExampleBecomesReadyUnderTheRestrictedStandard() throws IOException {
        Path example;
        try (Stream<Path> files = Files.list(Shell.repoRoot().resolve("examples"))) {
            example = files.filter(p -> p.getFileName().toString().contains("direct")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Direct-mode example under examples/"));
        }
        client.resources(InteractionDemo.class).inNamespace(NS).withName(DEMO).withTimeout(3, TimeUnit.MINUTES)
                .delete(); // a leftover of an earlier run
        InteractionDemo d = Serialization.unmarshal(Files.readString(example), InteractionDemo.class);
        d.getMetadata().setName(DEMO);
        d.getMetadata().setNamespace(NS);
        d.getSpec().getKafka().setBootstrapServers("kafka." + NS + ".svc:9092");
        Path applied = Files.createTempFile("demo", ".yaml");
        Files.writeString(applied, Serialization.asYaml(d));
        cluster.kubectl("apply", "-f", applied.toString());
        cluster.kubectl("-n", NS, "wait", "--for=condition=Ready", "idemo/" + DEMO, "--timeout=6m");
        for (Pod pod : client.pods().inNamespace(NS).list().getItems()) {
            assertTrue(pod.getSpec().getSecurityContext().getRunAsNonRoot(), pod.getMetadata().getName());
        }
    }

    @Test
    @Order(3)
    void countsRiseNothingIsLostAndTheFiguresAgree() {
        InteractionDemo first = demos.await("messages flowing", d -> is(d, "MessagesFlowing", "True"),
                Duration.ofMinutes(3));
        long produced = first.getStatus().getMessages().getProduced();
        long consumed = first.getStatus().getMessages().getConsumed();
        demos.await("produced and consumed rising", d -> d.getStatus().getMessages().getProduced() > produced
                && d.getStatus().getMessages().getConsumed() > consumed, Duration.ofMinutes(1));
        // Stop producing, let the Workers drain, then compare the three sources.
        demos.patch("{\"spec\":{\"host\":{\"replicas\":0}}}");
        try {
            InteractionDemo drained = demos.await("drained", d -> d.getStatus().getMessages().getLag() == 0
                    && d.getStatus().getMessages().getProducedPerSecond() == 0.0
                    && d.getStatus().getHost().getReadyReplicas() == 0, Duration.ofMinutes(2));
            long kafkaProduced = drained.getStatus().getMessages().getProduced();
            assertEquals(kafkaProduced, drained.getStatus().getMessages().getConsumed(), "Kafka: all consumed");
            assertEquals(0.0, demos.metric(DEMO + "-worker", "notifier_lost_total"), "the Workers' audit: 0 lost");
            double workersConsumed = demos.metric(DEMO + "-worker", "notifier_consumed_total")
                    - demos.metric(DEMO + "-worker", "notifier_duplicates_total");
            assertEquals((double) kafkaProduced, workersConsumed, "the Workers saw every message Kafka holds");
        } finally {
            demos.patch("{\"spec\":{\"host\":{\"replicas\":1}}}");
        }
        demos.await("flowing again", d -> is(d, "MessagesFlowing", "True"), Duration.ofMinutes(3));
    }

    @Test
    @Order(4)
    void aDeadWorkerOnlyGrowsLagThenItDrains() {
        int workers = demos.demo().getSpec().getWorker().getReplicas();
        demos.patch("{\"spec\":{\"worker\":{\"replicas\":0}}}");
        InteractionDemo stalled = demos.await("MessagesFlowing=False, lag growing", d -> is(d, "MessagesFlowing",
                "False") && condition(d, "MessagesFlowing").orElseThrow().getReason().equals("WorkerStalled")
                && d.getStatus().getMessages().getLag() > 0, Duration.ofMinutes(2));
        long lag = stalled.getStatus().getMessages().getLag();
        demos.await("the lag growing", d -> d.getStatus().getMessages().getLag() > lag, Duration.ofMinutes(1));
        demos.patch("{\"spec\":{\"worker\":{\"replicas\":" + workers + "}}}");
        demos.await("the lag drained", d -> is(d, "MessagesFlowing", "True")
                && d.getStatus().getMessages().getLag() < 20
                && d.getStatus().getWorker().getReadyReplicas() == workers, Duration.ofMinutes(3));
        assertEquals(0.0, demos.metric(DEMO + "-worker", "notifier_lost_total"), "0 lost after the outage");
    }

    @Test
    @Order(5)
    void aDeletedGreeterPodIsReportedAndTheHostResumes() {
        client.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "greeter").delete();
        demos.await("GreeterAvailable drops", d -> is(d, "GreeterAvailable", "False"), Duration.ofMinutes(2));
        InteractionDemo back = demos.await("GreeterAvailable recovers", d -> is(d, "GreeterAvailable", "True"),
                Duration.ofMinutes(3));
        long produced = back.getStatus().getMessages().getProduced();
        demos.await("the Host publishing again", d -> d.getStatus().getMessages().getProduced() > produced + 10,
                Duration.ofMinutes(2));
    }

    /** Lesson: a synchronous callee that stops answering blocks its caller; the queue still drains. */
    @Test
    @Order(51)
    void anUnavailableGreeterBlocksTheHostWhileTheWorkersDrainKafka() {
        demos.patch("{\"spec\":{\"faults\":{\"greeter\":{\"unavailable\":true}}}}");
        try {
            InteractionDemo blocked = demos.await("the Host blocked, the lag drained", d -> is(d, "GreeterAvailable",
                    "False") && Boolean.TRUE.equals(d.getStatus().getGreeter().getHostBlocked())
                    && d.getStatus().getMessages().getProducedPerSecond() == 0.0 && d.getStatus().getMessages().getLag() == 0
                    && is(d, "FaultsActive", "True"), Duration.ofMinutes(4));
            long produced = blocked.getStatus().getMessages().getProduced();
            demos.capture("greeter-unavailable", "blocked");
            assertEquals(produced, demos.demo().getStatus().getMessages().getProduced(),
                    "nothing published without a greeting");
        } finally {
            demos.patch("{\"spec\":{\"faults\":null}}");
        }
        demos.await("flowing again", d -> is(d, "MessagesFlowing", "True") && is(d, "GreeterAvailable", "True"),
                Duration.ofMinutes(4));
    }

    /** Lesson: a Greeter that fails some calls; the Host retries, publishes only greetings, loses nothing. */
    @Test
    @Order(52)
    void aGreeterThatErrorsIsRetriedAndNothingIsLost() {
        long before = demos.demo().getStatus().getMessages().getProduced();
        demos.patch("{\"spec\":{\"faults\":{\"greeter\":{\"errorRate\":0.5}}}}");
        try {
            InteractionDemo erring = demos.await("the Host sees errors and still publishes", d -> d.getStatus()
                    .getGreeter().getErrorRate() != null && d.getStatus().getGreeter().getErrorRate() > 0.2
                    && d.getStatus().getMessages().getProduced() > before + 20, Duration.ofMinutes(4));
            assertTrue(erring.getStatus().getGreeter().getFailures() > 0);
            demos.capture("greeter-errors", "erring");
        } finally {
            demos.patch("{\"spec\":{\"faults\":null}}");
        }
        demos.await("no errors any more", d -> d.getStatus().getGreeter().getErrorRate() != null
                && d.getStatus().getGreeter().getErrorRate() == 0.0 && is(d, "FaultsActive", "False"),
                Duration.ofMinutes(4));
        assertEquals(0L, demos.demo().getStatus().getDelivery().getLost());
    }

    /** Lesson: at-least-once: a Worker failing before its commit gets the batch again: duplicates, never losses. */
    @Test
    @Order(53)
    void aWorkerFailingBeforeItsCommitShowsDuplicatesNeverLosses() {
        demos.patch("{\"spec\":{\"faults\":{\"worker\":{\"failBeforeCommit\":0.05}}}}");
        try {
            demos.await("duplicates in the audit", d -> d.getStatus().getDelivery() != null
                    && d.getStatus().getDelivery().getDuplicates() > 0, Duration.ofMinutes(5));
            demos.capture("duplicates", "redelivered");
        } finally {
            demos.patch("{\"spec\":{\"faults\":null}}");
        }
        InteractionDemo after = demos.await("flowing again", d -> is(d, "MessagesFlowing", "True")
                && is(d, "FaultsActive", "False"), Duration.ofMinutes(4));
        assertEquals(0L, after.getStatus().getDelivery().getLost(), "at least once: never a loss");
    }

    /** Lesson: consumers scale with partitions; a fourth Worker on three partitions holds none. */
    @Test
    @Order(54)
    void aFourthWorkerOnThreePartitionsSitsIdle() {
        int workers = demos.demo().getSpec().getWorker().getReplicas();
        demos.patch("{\"spec\":{\"worker\":{\"replicas\":4}}}");
        try {
            InteractionDemo four = demos.await("4 members, one idle", d -> d.getStatus().getWorker().getMembers()
                    != null && d.getStatus().getWorker().getMembers().size() == 4
                    && d.getStatus().getWorker().getMembers().stream().filter(m -> m.getPartitions().isEmpty()).count() == 1,
                    Duration.ofMinutes(4));
            assertEquals(3, four.getStatus().getWorker().getPartitions().size());
            demos.await("MessagesFlowing names the idle Worker", d -> condition(d, "MessagesFlowing")
                    .map(c -> c.getMessage().contains("hold no partition")).orElse(false), Duration.ofMinutes(1));
            demos.capture("scale-partitions", "four-workers");
        } finally {
            demos.patch("{\"spec\":{\"worker\":{\"replicas\":" + workers + "}}}");
        }
        demos.await("back to " + workers + " members", d -> d.getStatus().getWorker().getMembers() != null
                && d.getStatus().getWorker().getMembers().size() == workers, Duration.ofMinutes(4));
    }

    /**
     * Lesson: the Host cut off from Kafka. The operator puts a NetworkPolicy in place, says so, and replaces the Host
     * so that its connections are judged under the policy (enforcers judge a connection by its first packet); where
     * the cluster enforces it (the local cluster's node runs kube-network-policies, see docs/e2e-cluster.md) the Host's
     * publishing stops while the Greeter keeps answering and the Host holds what Kafka has not acknowledged; once the
     * cut is lifted, it publishes again and the Workers' audit shows nothing lost. A node that says NetworkPolicies
     * are not enforced there (annotation {@value ClusterAccess#NETWORK_POLICIES}) makes the test abort, saying so,
     * once the policy is checked; so does a cluster that says nothing and lets the Host publish on.
     */
    @Test
    @Order(55)
    void cuttingTheHostFromKafkaStopsItsPublishingUntilTheCutIsLifted() {
        String enforcement = cluster.networkPolicyEnforcement();
        LOG.info("NetworkPolicies on this cluster: {}", enforcement == null ? "not declared" : enforcement);
        long before = demos.demo().getStatus().getMessages().getProduced();
        String unenforced = null;
        long frozen;
        demos.patch("{\"spec\":{\"faults\":{\"kafka\":{\"cutHost\":true}}}}");
        try {
            demos.await("FaultsActive with the note", d -> is(d, "FaultsActive", "True") && condition(d, "FaultsActive")
                    .map(c -> c.getMessage().contains("network plugin")).orElse(false), Duration.ofMinutes(2));
            var policy = client.network().v1().networkPolicies().inNamespace(NS).withName(DEMO + "-host-kafka-cut").get();
            assertTrue(policy != null, "the NetworkPolicy");
            assertEquals(List.of("Egress"), policy.getSpec().getPolicyTypes());
            if (enforcement != null && enforcement.startsWith("unenforced")) {
                unenforced = enforcement;
                demos.capture("kafka-cut", "cut");
                return;
            }
            boolean local = enforcement != null;
            try {
                Await.until("the Host's publishing stopped", () -> demos.demo().getStatus().getMessages()
                        .getProducedPerSecond() == 0.0, Duration.ofMinutes(3), Duration.ofSeconds(3));
            } catch (AssertionError e) {
                if (local) {
                    throw e;
                }
                unenforced = "unenforced: the Host kept publishing (" + e.getMessage() + ")";
                return;
            }
            InteractionDemo stopped = demos.demo();
            frozen = stopped.getStatus().getMessages().getProduced();
            // Held for several status readings: nothing published, the Greeter answering, the Host holding.
            Instant until = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(until)) {
                InteractionDemo d = demos.demo();
                assertEquals(frozen, d.getStatus().getMessages().getProduced(), "nothing published during the cut");
                assertTrue(is(d, "GreeterAvailable", "True"), "the Greeter answers during the cut");
                assertEquals("SERVING", d.getStatus().getGreeter().getServing());
                pause(Duration.ofSeconds(1));
            }
            // The Host was replaced under the cut (so that its connections are judged under the policy): the new
            // one never reached Kafka, and holds what it could not publish, if anything.
            double pending = demos.metric(DEMO + "-host", "notifier_pending");
            assertTrue(client.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", DEMO)
                    .withLabel("app.kubernetes.io/component", "host").list().getItems().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .allMatch(p -> p.getMetadata().getAnnotations() != null && "true".equals(p.getMetadata()
                            .getAnnotations().get("interactiondemo.dev/kafka-cut"))), "the Host replaced under the cut");
            LOG.info("kafka-cut: produced {} before the cut, {} during it (held 15 s), {} waiting in the Host; "
                    + "Greeter calls {} when publishing stopped, {} after", before, frozen, pending,
                    stopped.getStatus().getGreeter().getCalls(), demos.demo().getStatus().getGreeter().getCalls());
            demos.capture("kafka-cut", "cut");
        } finally {
            demos.patch("{\"spec\":{\"faults\":null}}");
            Await.until("the NetworkPolicy gone once the cut is lifted", () -> client.network().v1().networkPolicies()
                    .inNamespace(NS).withName(DEMO + "-host-kafka-cut").get() == null, Duration.ofMinutes(2),
                    Duration.ofSeconds(1));
            if (unenforced != null) {
                demos.await("flowing", d -> is(d, "MessagesFlowing", "True"), Duration.ofMinutes(3));
                Assumptions.abort("the NetworkPolicy is in place, but the cut is not enforced on this cluster: "
                        + unenforced);
            }
        }
        InteractionDemo resumed = demos.await("publishing again, flowing", d -> is(d, "MessagesFlowing", "True")
                && d.getStatus().getMessages().getProduced() > frozen + 20, Duration.ofMinutes(3));
        assertEquals(0.0, demos.metric(DEMO + "-worker", "notifier_lost_total"), "the Workers' audit: 0 lost");
        assertEquals(0L, resumed.getStatus().getDelivery().getLost(), "0 lost");
        LOG.info("kafka-cut: produced {} once the cut was lifted", resumed.getStatus().getMessages().getProduced());
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The operator's pod deleted: the ReplicaSet's new pod (another UID) becomes Ready and takes the leader-election
     * Lease (named by LEASE_NAME in the operator's pod, in its namespace): its holder becomes the new pod (the
     * operator's identity is its pod's name, HOSTNAME) and the Lease counts one more transition. Then the status is
     * updated again, by the new operator.
     */
    @Test
    @Order(60)
    void aNewOperatorPodTakesTheLeaseAndKeepsTheStatusFresh() {
        Pod old = cluster.operatorPods(SYSTEM).stream().filter(ClusterAccess::ready).findFirst()
                .orElseThrow(() -> new AssertionError("no Ready operator pod in " + SYSTEM));
        String oldUid = old.getMetadata().getUid();
        String leaseName = old.getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("LEASE_NAME")).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("the operator's pod has no LEASE_NAME (leader election is on)"));
        Lease before = client.leases().inNamespace(SYSTEM).withName(leaseName).get();
        assertNotNull(before, "the operator's Lease " + SYSTEM + "/" + leaseName);
        assertEquals(old.getMetadata().getName(), before.getSpec().getHolderIdentity(), "the Lease's holder before");

        client.pods().inNamespace(SYSTEM).withName(old.getMetadata().getName()).delete();

        Pod replacement = Await.value("a new operator pod, Ready", () -> cluster.operatorPods(SYSTEM).stream()
                .filter(p -> !p.getMetadata().getUid().equals(oldUid)).filter(ClusterAccess::ready)
                .findFirst(), Duration.ofMinutes(3), Duration.ofSeconds(1));
        assertNotEquals(oldUid, replacement.getMetadata().getUid(), "the pod was replaced");
        String newHolder = replacement.getMetadata().getName();
        Lease after = Await.value("the Lease held by " + newHolder, () -> Optional.ofNullable(client.leases()
                .inNamespace(SYSTEM).withName(leaseName).get()).filter(l -> newHolder.equals(l.getSpec()
                .getHolderIdentity())), Duration.ofMinutes(3), Duration.ofSeconds(1));
        assertNotEquals(before.getSpec().getHolderIdentity(), after.getSpec().getHolderIdentity());
        assertTrue(transitions(after) > transitions(before), "the Lease changed hands: leaseTransitions "
                + transitions(before) + " -> " + transitions(after));
        LOG.info("operator pod {} replaced by {}; Lease {} transitions {} -> {}", old.getMetadata().getName(),
                newHolder, leaseName, transitions(before), transitions(after));

        Instant taken = Instant.now();
        demos.await("status updated by the new operator", d -> d.getStatus().getMessages().getLastUpdated() != null
                && Instant.parse(d.getStatus().getMessages().getLastUpdated()).isAfter(taken), Duration.ofMinutes(3));
    }

    private static int transitions(Lease lease) {
        return Optional.ofNullable(lease.getSpec().getLeaseTransitions()).orElse(0);
    }

    @Test
    @Order(70)
    void deletingTheResourceGarbageCollectsEveryDependent() {
        client.resources(InteractionDemo.class).inNamespace(NS).withName(DEMO).delete();
        Await.until("every dependent of " + DEMO + " garbage-collected", () -> client.apps().deployments()
                .inNamespace(NS).withLabel("app.kubernetes.io/instance", DEMO).list().getItems().isEmpty()
                && client.services().inNamespace(NS).withLabel("app.kubernetes.io/instance", DEMO).list()
                .getItems().isEmpty()
                && demos.demo() == null, Duration.ofMinutes(3), Duration.ofSeconds(2));
    }

    /**
     * The setting the operator is made for: one operator for every namespace, one shared Kafka, tenants who make
     * mistakes. Two tenants run a demo of the same name; a third points demos at addresses that are not Kafka (the
     * API server's TLS port, the operator's own metrics port). The operator never restarts, the good tenants' counts
     * keep rising, each counts only its own messages, and deleting one tenant's namespace leaves the other intact.
     */
    @Test
    @Order(80)
    void aSharedClusterKeepsTenantsApartAndSurvivesHostileAddresses() {
        List<String> tenants = List.of("e2e-tenant-a", "e2e-tenant-b", "e2e-tenant-c");
        watchEveryNamespace();
        for (String ns : tenants) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build())
                    .serverSideApply();
        }
        String kafka = "kafka." + NS + ".svc:9092";
        String metricsService = client.services().inNamespace(SYSTEM).list().getItems().stream()
                .map(s -> s.getMetadata().getName()).filter(n -> n.endsWith("-metrics")).findFirst().orElseThrow();
        int metricsPort = client.services().inNamespace(SYSTEM).withName(metricsService).get().getSpec().getPorts()
                .get(0).getPort();
        demos.tenant(tenants.get(0), "shared", kafka);
        demos.tenant(tenants.get(1), "shared", kafka);
        demos.tenant(tenants.get(2), "apiserver", "kubernetes.default.svc:443");
        demos.tenant(tenants.get(2), "metrics", metricsService + "." + SYSTEM + ".svc:" + metricsPort);

        for (String hostile : List.of("apiserver", "metrics")) {
            InteractionDemo d = demos.awaitDemo(tenants.get(2), hostile, x -> condition(x, "TopicReady")
                    .map(c -> "NotKafka".equals(c.getReason())).orElse(false), Duration.ofMinutes(2));
            LOG.info("{}: {}", hostile, condition(d, "TopicReady").orElseThrow().getMessage());
        }
        InteractionDemo a = demos.awaitDemo(tenants.get(0), "shared", x -> is(x, "MessagesFlowing", "True"),
                Duration.ofMinutes(4));
        InteractionDemo b = demos.awaitDemo(tenants.get(1), "shared", x -> is(x, "MessagesFlowing", "True"),
                Duration.ofMinutes(4));
        assertEquals("e2e-tenant-a.shared-notifications", a.getStatus().getTopic().getName());
        assertEquals("e2e-tenant-b.shared-notifications", b.getStatus().getTopic().getName());
        long producedA = a.getStatus().getMessages().getProduced();
        long producedB = b.getStatus().getMessages().getProduced();
        demos.awaitDemo(tenants.get(0), "shared", x -> x.getStatus().getMessages().getProduced() > producedA + 20,
                Duration.ofMinutes(2));
        demos.awaitDemo(tenants.get(1), "shared", x -> x.getStatus().getMessages().getProduced() > producedB + 20,
                Duration.ofMinutes(2));
        assertEquals(0, cluster.operatorRestarts(SYSTEM), "the operator never restarted");

        // Deleting a tenant's namespace takes its demo and topic, and nothing of the other tenant's.
        client.namespaces().withName(tenants.get(0)).delete();
        Await.until("namespace " + tenants.get(0) + " gone", () -> client.namespaces().withName(tenants.get(0))
                .get() == null, Duration.ofMinutes(3), Duration.ofSeconds(2));
        long afterDeletion = demos.awaitDemo(tenants.get(1), "shared", x -> true, Duration.ofSeconds(10)).getStatus()
                .getMessages().getProduced();
        demos.awaitDemo(tenants.get(1), "shared", x -> x.getStatus().getMessages().getProduced() > afterDeletion + 20
                && is(x, "TopicReady", "True"), Duration.ofMinutes(2));
        assertEquals(0, cluster.operatorRestarts(SYSTEM), "the operator never restarted");
        for (String ns : tenants.subList(1, 3)) {
            client.namespaces().withName(ns).delete();
        }
    }

    /**
     * Secured Kafka: a Direct-mode demo reaches the broker on its SASL_SSL listener ({@code kafka.<ns>.svc:9093}),
     * trusting the run's CA from a Secret and logging in with SCRAM-SHA-512 as a user whose password is in another
     * Secret; the broker's ACLs allow that user its own topic and group only. The demo becomes Ready, counts rise,
     * the Workers lose nothing, and the Host and Worker pods carry file paths, never a secret, in their environment.
     * A second demo with a wrong password is told so ({@code TopicReady=False}, {@code KafkaAuthenticationFailed})
     * while the first goes on. Runs in a namespace of its own, once the operator watches every namespace.
     */
    @Test
    @Order(90)
    void aDemoOnSecuredKafkaLogsInWithScramOverTlsAndAWrongPasswordIsNamed() {
        watchEveryNamespace();
        cluster.restrictedNamespace(SECURED);
        cluster.secret(SECURED, "kafka-ca", "Opaque", Map.of("ca.crt", CA.caPem()));
        cluster.secret(SECURED, SECURE_DEMO + "-kafka-password", "Opaque", Map.of("password", SECURE_PASSWORD + "\n"));
        cluster.secret(SECURED, WRONG_DEMO + "-kafka-password", "Opaque", Map.of("password", "not-" + SECURE_PASSWORD));
        String bootstrap = "kafka." + NS + ".svc:" + SASL_SSL_PORT;
        KafkaOnTheNode.securedDemo(client, SECURE_DEMO, bootstrap, "host: {messagesPerSecond: 10}");
        // Only the operator's readings: no pod of this one would get further than the login.
        KafkaOnTheNode.securedDemo(client, WRONG_DEMO, bootstrap, "greeter: {replicas: 0}\n  worker: {replicas: 0}");

        InteractionDemo wrong = demos.awaitDemo(SECURED, WRONG_DEMO, d -> condition(d, "TopicReady")
                .map(c -> "False".equals(c.getStatus()) && "KafkaAuthenticationFailed".equals(c.getReason()))
                .orElse(false), Duration.ofMinutes(3));
        String refusal = condition(wrong, "TopicReady").orElseThrow().getMessage();
        LOG.info("{}: {}", WRONG_DEMO, refusal);
        assertFalse(refusal.contains(SECURE_PASSWORD), "the message shows no password");
        assertTrue(is(wrong, "Ready", "False"), "the demo with the wrong password is not Ready");

        InteractionDemo ready = demos.awaitDemo(SECURED, SECURE_DEMO, d -> is(d, "Ready", "True")
                && is(d, "MessagesFlowing", "True"), Duration.ofMinutes(5));
        assertEquals(SECURED + "." + SECURE_DEMO + "-notifications", ready.getStatus().getTopic().getName());
        long produced = ready.getStatus().getMessages().getProduced();
        long consumed = ready.getStatus().getMessages().getConsumed();
        InteractionDemo later = demos.awaitDemo(SECURED, SECURE_DEMO, d -> d.getStatus().getMessages().getProduced()
                > produced + 20 && d.getStatus().getMessages().getConsumed() > consumed + 20, Duration.ofMinutes(2));
        assertTrue(is(later, "Ready", "True"), "still Ready while the other demo is refused");
        LOG.info("{}: Ready over SASL_SSL at {}, produced {}, consumed {}", SECURE_DEMO, bootstrap,
                later.getStatus().getMessages().getProduced(), later.getStatus().getMessages().getConsumed());
        assertEquals(0.0, cluster.metric(SECURED, SECURE_DEMO + "-worker", "notifier_lost_total"),
                "the Workers' audit: 0 lost");
        assertTrue(cluster.metric(SECURED, SECURE_DEMO + "-host", "notifier_sent_total") > 0,
                "the Host publishes over SASL_SSL");

        List<Pod> clients = client.pods().inNamespace(SECURED).withLabel("app.kubernetes.io/instance", SECURE_DEMO)
                .list().getItems().stream().filter(p -> List.of("host", "worker")
                        .contains(p.getMetadata().getLabels().get("app.kubernetes.io/component"))).toList();
        assertTrue(clients.size() >= 2, "a Host and a Worker pod: " + clients.size());
        for (Pod pod : clients) {
            assertNoSecretInEnvironment(pod);
        }

        // The refused demo is still refused, and never disturbed the other one or the operator.
        assertTrue(condition(demos.awaitDemo(SECURED, WRONG_DEMO, d -> true, Duration.ofSeconds(10)), "TopicReady")
                .map(c -> "KafkaAuthenticationFailed".equals(c.getReason())).orElse(false));
        assertEquals(0, cluster.operatorRestarts(SYSTEM), "the operator never restarted");
        client.namespaces().withName(SECURED).delete();
    }

    /**
     * The catalogue as InteractionLesson resources on the node (the chart watches every namespace by now): every
     * lesson, applied from its example with kubectl, ends Passed on a demo of its own, and gave back every switch.
     */
    @Test
    @Order(95)
    void everyCatalogueLessonPassesOnTheNode() throws Exception {
        Map<String, InteractionLesson> ended = new CatalogueOnTheNode(client, cluster::kubectl,
                "kafka." + NS + ".svc:9092").run();
        assertEquals(CatalogueOnTheNode.LANES.stream().mapToInt(List::size).sum(), ended.size(), "every lesson ran");
        List<String> failed = new ArrayList<>();
        ended.forEach((name, l) -> {
            LOG.info("lesson {}: {} ({})", name, l.getStatus().getPhase(), l.getStatus().getMessage());
            if (l.getStatus().getPhase() != LessonPhase.Passed || l.getStatus().getSwitched() != null) {
                failed.add(name + ": " + l.getStatus().getPhase() + "\n" + CatalogueOnTheNode.verdicts(l)
                        + CatalogueOnTheNode.timeline(l));
            }
        });
        assertTrue(failed.isEmpty(), String.join("\n", failed));
    }

    /**
     * The pod's containers get the Kafka settings as variables that name files (the Secrets mounted read-only), and
     * no variable holds or refers to a secret.
     */
    private static void assertNoSecretInEnvironment(Pod pod) {
        String name = pod.getMetadata().getName();
        for (Container c : pod.getSpec().getContainers()) {
            assertTrue(c.getEnvFrom() == null || c.getEnvFrom().stream().allMatch(e -> e.getSecretRef() == null),
                    name + ": no variables from a Secret");
            Map<String, String> env = new LinkedHashMap<>();
            for (EnvVar v : c.getEnv()) {
                assertTrue(v.getValueFrom() == null || v.getValueFrom().getSecretKeyRef() == null,
                        name + ": " + v.getName() + " comes from a Secret");
                assertFalse(v.getValue() != null && v.getValue().contains(SECURE_PASSWORD),
                        name + ": " + v.getName() + " holds the password");
                assertFalse(v.getValue() != null && v.getValue().contains("PRIVATE KEY"),
                        name + ": " + v.getName() + " holds a key");
                env.put(v.getName(), v.getValue());
            }
            LOG.info("{}: {}", name, env.entrySet().stream().filter(e -> e.getKey().startsWith("KAFKA_")).toList());
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), name);
            assertEquals(SECURE_USER, env.get("KAFKA_SASL_USERNAME"), name);
            assertNull(env.get("KAFKA_SASL_PASSWORD"), name + ": no password variable");
            for (String file : List.of("KAFKA_SASL_PASSWORD_FILE", "KAFKA_TLS_TRUSTED_CERTIFICATES")) {
                String path = env.get(file);
                assertTrue(path != null && path.startsWith("/"), name + ": " + file + " is a path: " + path);
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> path.startsWith(m.getMountPath() + "/")
                        && Boolean.TRUE.equals(m.getReadOnly())), name + ": " + path + " is on a read-only mount");
            }
        }
    }

    /**
     * A namespace whose ResourceQuota allows no pod: the ReplicaSet controller is refused, and the status names the
     * quota ({@code QuotaExceeded} on the Greeter's condition, with {@code Stalled}) rather than "no minimum
     * availability". Raising the quota lets the parts start ({@code Reconciling}) and the demo becomes Ready. Each
     * moment's status is kept under e2e/target/statuses/.
     */
    @Test
    @Order(100)
    void aQuotaThatForbidsPodsIsNamedThenRaisingItLetsTheDemoStart() {
        String ns = "e2e-quota";
        watchEveryNamespace();
        cluster.restrictedNamespace(ns);
        client.resourceQuotas().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata().withName("class-pods").endMetadata().withNewSpec()
                .withHard(Map.of("pods", new Quantity("0"))).endSpec().build()).serverSideApply();
        demos.tenant(ns, "crowded", "kafka." + NS + ".svc:9092");

        InteractionDemo refused = demos.awaitDemo(ns, "crowded", d -> condition(d, "GreeterAvailable")
                .map(c -> "QuotaExceeded".equals(c.getReason())).orElse(false), Duration.ofMinutes(3));
        String message = condition(refused, "GreeterAvailable").orElseThrow().getMessage();
        LOG.info("quota: {}", message);
        assertTrue(message.contains("ResourceQuota class-pods"), message);
        assertTrue(message.contains("raise the quota or lower spec.greeter"), message);
        InteractionDemo stalled = demos.awaitDemo(ns, "crowded", d -> condition(d, "Stalled").map(c -> "QuotaExceeded"
                .equals(c.getReason())).orElse(false), Duration.ofMinutes(1));
        assertFalse(condition(stalled, "Reconciling").isPresent(), "never Stalled and Reconciling at once");
        demos.captureStatus(ns, "crowded", "quota-stalled");

        client.resourceQuotas().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata().withName("class-pods").endMetadata().withNewSpec()
                .withHard(Map.of("pods", new Quantity("10"))).endSpec().build()).serverSideApply();
        InteractionDemo starting = demos.awaitDemo(ns, "crowded", d -> condition(d, "Reconciling").isPresent()
                || is(d, "Ready", "True"), Duration.ofMinutes(5));
        if (condition(starting, "Reconciling").isPresent()) {
            assertFalse(condition(starting, "Stalled").isPresent(), "the quota no longer stalls the demo");
            demos.captureStatus(ns, "crowded", "quota-raised-reconciling");
        }
        InteractionDemo ready = demos.awaitDemo(ns, "crowded", d -> is(d, "Ready", "True")
                && condition(d, "Reconciling").isEmpty() && condition(d, "Stalled").isEmpty(), Duration.ofMinutes(5));
        assertEquals(ready.getMetadata().getGeneration(), ready.getStatus().getObservedGeneration());
        demos.captureStatus(ns, "crowded", "quota-raised-ready");
        client.namespaces().withName(ns).delete();
    }

    /**
     * A Worker whose memory limit is too small for its JVM: the kernel kills it, the kubelet restarts it in a loop,
     * and {@code WorkerAvailable} says {@code CrashLooping}, naming OOMKilled, exit code 137 and the limit, with the
     * remedy; {@code Stalled} says the same. Its status is kept under e2e/target/statuses/.
     */
    @Test
    @Order(101)
    void aWorkerOomKilledInALoopIsNamedWithItsMemoryLimit() {
        String ns = "e2e-oom";
        watchEveryNamespace();
        cluster.restrictedNamespace(ns);
        client.resources(InteractionDemo.class).inNamespace(ns).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: starved
                spec:
                  kafka:
                    bootstrapServers: kafka.%s.svc:9092
                    topic: {management: Direct, partitions: 2}
                  worker:
                    resources: {requests: {memory: 24Mi}, limits: {memory: 24Mi}}
                """.formatted(NS), InteractionDemo.class)).serverSideApply();

        InteractionDemo starved = demos.awaitDemo(ns, "starved", d -> condition(d, "WorkerAvailable")
                .map(c -> "CrashLooping".equals(c.getReason())).orElse(false), Duration.ofMinutes(5));
        String message = condition(starved, "WorkerAvailable").orElseThrow().getMessage();
        LOG.info("OOM: {}", message);
        assertTrue(message.contains("OOMKilled"), message);
        assertTrue(message.contains("exit code 137"), message);
        assertTrue(message.contains("memory limit of 24Mi"), message);
        assertTrue(message.endsWith("raise spec.worker.resources.limits.memory"), message);
        demos.awaitDemo(ns, "starved", d -> condition(d, "Stalled").map(c -> "CrashLooping"
                .equals(c.getReason())).orElse(false), Duration.ofMinutes(1));
        demos.awaitDemo(ns, "starved", d -> is(d, "GreeterAvailable", "True") && condition(d, "WorkerAvailable")
                .map(c -> "CrashLooping".equals(c.getReason())).orElse(false), Duration.ofMinutes(3)); // only the Worker
        demos.captureStatus(ns, "starved", "oom-stalled");
        client.namespaces().withName(ns).delete();
    }

    /** The chart watches every namespace (a no-op when it already does). */
    private static void watchEveryNamespace() {
        cluster.helm("upgrade", "--install", "idemo", "helm/interaction-demo-operator", "--namespace", SYSTEM,
                "--reset-then-reuse-values", "--set", "watchNamespaces=null", "--wait", "--timeout", "5m");
        cluster.kubectl("-n", SYSTEM, "rollout", "status", "deployment", "--timeout=5m");
    }
}
