package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static dev.interactiondemo.operator.SharedClusterTest.broker;
import static dev.interactiondemo.operator.SharedClusterTest.demo;
import static dev.interactiondemo.operator.SharedClusterTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Observation apart from reconciliation, on the real API server and broker: a Kafka that never answers holds up only
 * its own demos, an observer goes with its last demo, and the operator's metrics go with their demos.
 */
class ObserversTest {
    private static final String NS = "observers";
    private static KubernetesClient client;
    private static RunningOperator operator;
    private static ServerSocket silent;
    private static final List<Socket> held = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        // Accepts connections and never answers: the worst kind of Kafka address.
        silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    Socket s = silent.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-kafka");
        acceptor.setDaemon(true);
        acceptor.start();
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:1");
    }

    @AfterAll
    static void stop() throws IOException {
        operator.close();
        silent.close();
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static Optional<InteractionDemo> get(String name) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(NS).withName(name).get());
    }

    private static Optional<String> topicReason(String name) {
        return get(name).filter(d -> d.getStatus() != null).flatMap(d -> d.getStatus().getConditions().stream()
                .filter(c -> "TopicReady".equals(c.getType())).map(c -> c.getReason()).findFirst());
    }

    private static long produced(String name) {
        return get(name).map(d -> d.getStatus() == null || d.getStatus().getMessages() == null ? -1L
                : d.getStatus().getMessages().getProduced()).orElse(-1L);
    }

    @Test
    void sixtyDemosOnAKafkaThatNeverAnswersHoldUpOnlyThemselves() {
        String address = "127.0.0.1:" + silent.getLocalPort();
        IntStream.range(0, 60).forEach(i -> client.resources(InteractionDemo.class).inNamespace(NS)
                .resource(demo("stuck-" + i, address, "External", "t")).create());
        client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("healthy", broker(), "Direct", null))
                .create();

        Await.until("the healthy demo's topic", () -> "Created".equals(topicReason("healthy").orElse(""))
                || "Exists".equals(topicReason("healthy").orElse("")));
        String topic = get("healthy").orElseThrow().getStatus().getTopic().getName();
        for (int round = 1; round <= 3; round++) {
            send(topic, 5);
            long expected = 5L * round;
            Await.until("the healthy demo counting " + expected + " while 60 others wait on a silent Kafka",
                    () -> produced("healthy") == expected);
        }
        Await.until("every stuck demo says why", () -> IntStream.range(0, 60)
                .allMatch(i -> "KafkaUnreachable".equals(topicReason("stuck-" + i).orElse(""))));
        String message = get("stuck-7").orElseThrow().getStatus().getConditions().stream()
                .filter(c -> "TopicReady".equals(c.getType())).findFirst().orElseThrow().getMessage();
        assertTrue(message.contains(address) && message.contains("did not answer"), message);
        assertEquals(2, operator.kafka.kafka().clusters(), "one observer per Kafka cluster, not per demo");

        // An observer goes with its last demo.
        IntStream.range(0, 60).forEach(i -> client.resources(InteractionDemo.class).inNamespace(NS)
                .withName("stuck-" + i).delete());
        Await.until("the silent cluster's observer closed", () -> operator.kafka.kafka().clusters() == 1);
        client.resources(InteractionDemo.class).inNamespace(NS).withName("healthy").delete();
        Await.until("no observer left", () -> operator.kafka.kafka().clusters() == 0);
        Await.until("every demo gone", () -> client.resources(InteractionDemo.class).inNamespace(NS).list()
                .getItems().isEmpty());
    }

    /** The names and labels of the series in a scrape. */
    private static List<String> series(String scrape) {
        return scrape.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
    }

    @Test
    void metricsGoWithTheirDemos() {
        Await.until("no demo left from another test", () -> client.resources(InteractionDemo.class).inNamespace(NS)
                .list().getItems().isEmpty());
        // A first demo, created and deleted, brings the meters every reconcile has (counters, timers of the controller).
        client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("warm-up", broker(), "External",
                "bulk-topic")).create();
        Await.until("the warm-up demo reported", () -> get("warm-up").map(d -> d.getStatus() != null).orElse(false));
        client.resources(InteractionDemo.class).inNamespace(NS).withName("warm-up").delete();
        Await.until("the warm-up demo's gauges gone", () -> get("warm-up").isEmpty()
                && !operator.registry.scrape().contains("warm-up"));
        String before = operator.registry.scrape();
        IntStream.range(0, 100).forEach(i -> client.resources(InteractionDemo.class).inNamespace(NS)
                .resource(demo("bulk-" + i, broker(), "External", "bulk-topic")).create());
        Await.until("all 100 reported", () -> client.resources(InteractionDemo.class).inNamespace(NS).list()
                .getItems().stream().filter(d -> d.getStatus() != null).count() == 100);
        String during = operator.registry.scrape();
        assertTrue(during.contains("interactiondemo_ready{name=\"bulk-42\",namespace=\"observers\"}"),
                "per-demo gauges while the demos exist");
        IntStream.range(0, 100).forEach(i -> client.resources(InteractionDemo.class).inNamespace(NS)
                .withName("bulk-" + i).delete());
        Await.until("all 100 gone", () -> client.resources(InteractionDemo.class).inNamespace(NS).list()
                .getItems().isEmpty());
        Await.until("their gauges gone", () -> !operator.registry.scrape().contains("bulk-"));
        String after = operator.registry.scrape();
        assertFalse(after.contains("bulk-"), "no series of a deleted demo");
        List<String> added = series(after).stream().filter(x -> !series(before).contains(x)).toList();
        assertTrue(after.length() <= before.length() * 1.1, "/metrics back to its size before the 100 demos: "
                + before.length() + " bytes before, " + during.length() + " with them, " + after.length()
                + " after; series added: " + added);
    }
}
