package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status against the real thing: a real Greeter, a real Host and Worker (the programs the Deployments would run,
 * here in the test JVM, configured as the Deployments configure them) and a real Kafka broker. No kubelet runs here,
 * so the test reports the Deployments available, as the Deployment controller would.
 */
class LiveStatusTest {
    private static final String NS = "live";
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static GreeterServer greeter;
    private static final PrometheusMeterRegistry hostMetrics = Metrics.newRegistry();
    private static final PrometheusMeterRegistry workerMetrics = Metrics.newRegistry();
    private static HttpEndpoints hostHttp;
    private static HttpEndpoints workerHttp;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
        hostHttp = HttpEndpoints.start(0, "host port", hostMetrics, Optional::empty);
        workerHttp = HttpEndpoints.start(0, "worker port", workerMetrics, Optional::empty);
        // The Host's and the Worker's /metrics, where a cluster would have their pods' IPs.
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:" + greeter.port(),
                pod -> URI.create("http://localhost:" + (pod.getMetadata().getName().startsWith("live-host")
                        ? hostHttp.port() : workerHttp.port()) + "/metrics"));
    }

    @AfterAll
    static void stop() {
        operator.close();
        hostHttp.close();
        workerHttp.close();
        greeter.close();
    }

    private static InteractionDemo demo() {
        return client.resources(InteractionDemo.class).inNamespace(NS).withName("live").get();
    }

    private static Optional<Condition> condition(InteractionDemo d, String type) {
        if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    private static Optional<InteractionDemo> when(java.util.function.Predicate<InteractionDemo> p) {
        return Optional.ofNullable(demo()).filter(p);
    }

    private static void reportAvailable(String deployment, int replicas) {
        KubeApi.reportAvailable(NS, deployment, replicas);
    }

    /** A pod as the Deployment's ReplicaSet would make it, Running, as the kubelet would report it. */
    private static void runningPod(String name, String component) {
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("app.kubernetes.io/managed-by", "interaction-demo-operator",
                        "app.kubernetes.io/component", component, "app.kubernetes.io/instance", "live"))
                .endMetadata().withNewSpec().addNewContainer().withName(component).withImage("example.org/notifier:test")
                .endContainer().endSpec().build()).create();
        client.pods().inNamespace(NS).withName(name).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").build());
            return p;
        });
    }

    private static NotifierConfig notifier(String role) {
        return NotifierConfig.from(new String[] {role, "--bootstrap-servers=" + LocalKafkaBroker.shared().bootstrapServers(),
                "--topic=" + NS + ".live-notifications", "--group-id=" + NS + ".live-workers", "--greeter-target=localhost:" + greeter.port(),
                "--rate=50", "--http-port=0"}, Map.of());
    }

    @Test
    void theStatusShowsTheLessonAsItHappens() throws Exception {
        client.resources(InteractionDemo.class).inNamespace(NS).resource(DirectModeTest.directDemo("live", "")).create();
        reportAvailable("live-greeter", 1);
        reportAvailable("live-host", 1);
        reportAvailable("live-worker", 1);
        NotificationWorker worker = new NotificationWorker(notifier("worker"), workerMetrics).start();
        NotificationHost host = new NotificationHost(notifier("host"), hostMetrics).start();
        runningPod("live-host-1", "host");
        runningPod("live-worker-1", "worker");
        try {
            InteractionDemo ready = Await.value("Ready=True with messages flowing", () -> when(d ->
                    condition(d, "Ready").map(c -> c.getStatus().equals("True")).orElse(false)
                            && condition(d, "MessagesFlowing").map(c -> c.getStatus().equals("True")).orElse(false)),
                    Duration.ofSeconds(60));
            InteractionDemoStatus s = ready.getStatus();
            assertEquals("SERVING", s.getGreeter().getServing());
            assertTrue(s.getMessages().getProduced() > 0, "produced");
            assertTrue(s.getMessages().getConsumed() > 0, "consumed");
            assertTrue(s.getMessages().getProducedPerSecond() > 0, "a produce rate");
            String metrics = operator.registry.scrape();
            assertTrue(metrics.contains("operator_sdk_reconciliations_success_total"), "java-operator-sdk's metrics");
            long produced = s.getMessages().getProduced();
            long consumed = s.getMessages().getConsumed();
            Await.value("produced and consumed rising", () -> when(d -> d.getStatus().getMessages().getProduced() > produced
                    && d.getStatus().getMessages().getConsumed() > consumed), Duration.ofSeconds(30));
            // The consumer group as Kafka sees it: one Worker holding both partitions, lag per partition.
            InteractionDemo grouped = Await.value("the group's member", () -> when(d -> d.getStatus().getWorker()
                    .getMembers() != null && d.getStatus().getWorker().getMembers().size() == 1), Duration.ofSeconds(30));
            assertEquals(List.of(0, 1), grouped.getStatus().getWorker().getMembers().get(0).getPartitions());
            assertEquals(2, grouped.getStatus().getWorker().getPartitions().size());
            assertEquals(grouped.getStatus().getMessages().getProduced(), grouped.getStatus().getWorker().getPartitions()
                    .stream().mapToLong(p -> p.getEnd()).sum(), "per-partition ends add up to produced");
            // The pods' own figures: the Greeter as the Host sees it, the Worker's delivery audit.
            InteractionDemo audited = Await.value("the pods' figures", () -> when(d -> d.getStatus().getDelivery() != null
                    && d.getStatus().getDelivery().getDelivered() > 0 && d.getStatus().getGreeter().getCalls() != null
                    && d.getStatus().getGreeter().getCalls() > 0), Duration.ofSeconds(30));
            assertEquals(0L, audited.getStatus().getDelivery().getLost());
            assertEquals(0L, audited.getStatus().getGreeter().getFailures());
            assertEquals(Boolean.FALSE, audited.getStatus().getGreeter().getHostBlocked());
            // A real call over a socket takes time: the p99, rounded to 0.1 ms, is above 0 and at least the p50.
            double callP50 = audited.getStatus().getGreeter().getCallLatencyP50Ms();
            double callP99 = audited.getStatus().getGreeter().getCallLatencyP99Ms();
            assertTrue(callP99 > 0, "a call latency: p99 " + callP99 + " ms");
            assertTrue(callP99 >= callP50, "p99 " + callP99 + " ms at least p50 " + callP50 + " ms");
            assertTrue(audited.getStatus().getDelivery().getEndToEndLatencyP99Ms() > 0, "an end-to-end latency");
            // The Worker's polls: a notification's wait in Kafka, and at least one notification per poll counted.
            var polls = audited.getStatus().getDelivery();
            assertTrue(polls.getWaitInKafkaP99Ms() != null && polls.getWaitInKafkaP99Ms() >= polls.getWaitInKafkaP50Ms(),
                    "a wait in Kafka: " + polls.getWaitInKafkaP50Ms() + " / " + polls.getWaitInKafkaP99Ms());
            assertTrue(polls.getRecordsPerPollP50() >= 1 && polls.getRecordsPerPollMax() >= polls.getRecordsPerPollP50(),
                    "records per poll: " + polls.getRecordsPerPollP50() + ", max " + polls.getRecordsPerPollMax());

            // The Worker stops: the Host carries on, messages wait in Kafka.
            worker.close();
            reportAvailable("live-worker", 0);
            InteractionDemo stalled = Await.value("MessagesFlowing=False with lag", () -> when(d ->
                    condition(d, "MessagesFlowing").map(c -> c.getReason().equals("WorkerStalled")).orElse(false)
                            && d.getStatus().getMessages().getLag() > 0), Duration.ofSeconds(60));
            assertEquals("False", condition(stalled, "MessagesFlowing").orElseThrow().getStatus());
            long lag = stalled.getStatus().getMessages().getLag();
            Await.value("the lag growing", () -> when(d -> d.getStatus().getMessages().getLag() > lag), Duration.ofSeconds(30));
            assertEquals("False", condition(demo(), "WorkerAvailable").orElseThrow().getStatus());
            Await.until("an Event for the transition", () -> client.v1().events().inNamespace(NS).list().getItems()
                    .stream().anyMatch(e -> e.getInvolvedObject().getName().equals("live")
                            && "WorkerStalled".equals(e.getReason()) && "Warning".equals(e.getType())));

            // Nothing moves any more: the status is not rewritten.
            host.close();
            Await.value("counts settled", () -> when(d -> d.getStatus().getMessages().getProducedPerSecond() == 0.0
                    && condition(d, "MessagesFlowing").map(c -> c.getReason().equals("WorkerStalled")).orElse(false)),
                    Duration.ofSeconds(30));
            // What the pods report settles a moment later (the group's members, the Host's last figures). From then
            // on the status must stay as it is over several reconciles: it is not patched when nothing changed. The
            // window restarts at each change; it closes after 3 s and 3 more finished reconciles (so at least 2 that
            // ran wholly inside it, counted before the status is read): a status patched at every reconcile, or at
            // every other one, never passes, nor does an operator that stopped reconciling.
            String[] version = {demo().getMetadata().getResourceVersion()};
            long[] since = {System.nanoTime()};
            double[] reconciles = {Reconciles.count(operator)};
            Await.until("the status unchanged over 3 s and 3 reconciles", () -> {
                double finished = Reconciles.count(operator);
                String now = demo().getMetadata().getResourceVersion();
                if (!now.equals(version[0])) {
                    version[0] = now;
                    since[0] = System.nanoTime();
                    reconciles[0] = Reconciles.count(operator);
                }
                return System.nanoTime() - since[0] > 3_000_000_000L && finished >= reconciles[0] + 3;
            });
        } finally {
            host.close();
            worker.close();
        }
    }
}
