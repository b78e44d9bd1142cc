package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalogue's lessons on the real API server and a real broker, each on a demo of its own whose parts run for real
 * (the {@link LocalKubelet}): every lesson reaches its verdict through the operator, as on a cluster.
 */
class CatalogueLessonsTest {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueLessonsTest.class);
    private static final String NS = "catalogue";
    private static KubernetesClient client;
    private static LocalKubelet kubelet;
    private static RunningOperator operator;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        kubelet = new LocalKubelet(client, NS);
        operator = RunningOperator.start(client, NS, Map.of(), kubelet::greeterEndpoint, kubelet::metrics);
    }

    @AfterAll
    static void stop() {
        operator.close();
        kubelet.close();
    }

    /** A demo as the catalogue's lessons expect it: three partitions (the scale-out lesson's idle fourth Worker). */
    static InteractionDemo demo(String name) {
        return DirectModeTest.directDemo(name, 3, "");
    }

    private static Optional<InteractionDemo> get(String name) {
        return Optional.ofNullable(client.resources(InteractionDemo.class).inNamespace(NS).withName(name).get());
    }

    private static boolean conditionTrue(InteractionDemo d, String type) {
        return d.getStatus() != null && d.getStatus().getConditions() != null && d.getStatus().getConditions()
                .stream().anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True"));
    }

    @Test
    void aDemoRunsOnTheLocalKubelet() {
        client.resources(InteractionDemo.class).inNamespace(NS).resource(demo("plain")).create();
        InteractionDemo d = Await.value("plain Ready with messages flowing and the pods' figures", () -> get("plain")
                .filter(x -> conditionTrue(x, "Ready") && conditionTrue(x, "MessagesFlowing")
                        && x.getStatus().getDelivery() != null && x.getStatus().getDelivery().getDelivered() > 0),
                Duration.ofSeconds(90));
        assertTrue(d.getStatus().getMessages().getProducedPerSecond() > 0, "a produce rate");
        Map<String, Integer> running = new HashMap<>(kubelet.running());
        assertTrue(running.getOrDefault("plain-worker", 0) == 1, String.valueOf(running));
        client.resources(InteractionDemo.class).inNamespace(NS).withName("plain").delete();
    }

    /** The lessons of each demo, in the order they are created (they run one at a time per demo). */
    private static final Map<String, List<String>> LANES = Map.of(
            "lane-a", List.of("greeter-outage", "greeter-unavailable", "greeter-errors", "kafka-cut"),
            "lane-b", List.of("worker-outage", "duplicates", "scale-out"),
            "lane-c", List.of("pull-model", "sync-vs-async", "replay"));

    @Test
    void everyCatalogueLessonPassesOnAHealthyDemo() {
        LANES.keySet().forEach(lane -> client.resources(InteractionDemo.class).inNamespace(NS).resource(demo(lane))
                .create());
        LANES.forEach((lane, lessons) -> lessons.forEach(name -> {
            InteractionLesson l = new InteractionLesson();
            l.getMetadata().setName(name);
            InteractionLessonSpec spec = new InteractionLessonSpec();
            spec.setDemo(lane);
            spec.setLesson(name);
            l.setSpec(spec);
            client.resources(InteractionLesson.class).inNamespace(NS).resource(l).create();
        }));
        assertEquals(10, LANES.values().stream().mapToInt(List::size).sum(), "the whole catalogue");
        Await.until("every lesson ended", () -> client.resources(InteractionLesson.class).inNamespace(NS).list()
                .getItems().stream().allMatch(l -> l.getStatus() != null && l.getStatus().getPhase() != null
                        && l.getStatus().getPhase().ended() && l.getStatus().getSwitched() == null),
                Duration.ofMinutes(12), Duration.ofSeconds(2));
        List<String> failed = new ArrayList<>();
        for (InteractionLesson l : client.resources(InteractionLesson.class).inNamespace(NS).list().getItems()) {
            InteractionLessonStatus st = l.getStatus();
            LOG.info("lesson {}: {} ({}) from {} to {}", l.getMetadata().getName(), st.getPhase(), st.getMessage(),
                    st.getStartedAt(), st.getFinishedAt());
            if (st.getPhase() != LessonPhase.Passed) {
                StringBuilder why = new StringBuilder(l.getMetadata().getName() + ": " + st.getPhase() + "\n");
                st.getHypotheses().forEach(v -> why.append("  ").append(v.getVerdict()).append(' ')
                        .append(v.getHypothesis()).append(": ").append(v.getEvidence()).append('\n'));
                st.getTimeline().forEach(e -> why.append("  ").append(e.getAt()).append(' ').append(e.getStep())
                        .append(": ").append(e.getText()).append('\n'));
                failed.add(why.toString());
            }
        }
        assertTrue(failed.isEmpty(), String.join("\n", failed));
        LANES.forEach((lane, lessons) -> assertNull(get(lane).orElseThrow().getSpec().getFaults(),
                lane + ": every fault given back"));
    }
}
