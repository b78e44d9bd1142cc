package dev.interactiondemo.e2e;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.HypothesisVerdict;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.TimelineEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The catalogue's lessons as InteractionLesson resources on the node: the examples under {@code examples/}, applied
 * with kubectl to demos of their own, side by side in a few namespaces (a namespace's lessons run one after another
 * on its demo, as the operator runs one lesson at a time per demo). Each lesson's resource, its {@code kubectl get
 * lesson} line and its timeline are written to {@code e2e/target/lessons/catalogue/} for docs/lessons.md.
 */
final class CatalogueOnTheNode {
    /** The lessons of each namespace, in the order they run there; every catalogue lesson once. */
    static final List<List<String>> LANES = List.of(
            List.of("greeter-outage", "greeter-unavailable", "greeter-errors", "kafka-cut"),
            List.of("worker-outage", "duplicates", "scale-out"),
            List.of("pull-model", "sync-vs-async", "replay"));
    static final String DEMO = "hello";

    private final KubernetesClient client;
    private final Function<String[], String> kubectl;
    private final String bootstrap;

    /**
     * @param kubectl   runs kubectl with these arguments against the cluster, returns its output
     * @param bootstrap the in-cluster broker's plain listener
     */
    CatalogueOnTheNode(KubernetesClient client, Function<String[], String> kubectl, String bootstrap) {
        this.client = client;
        this.kubectl = kubectl;
        this.bootstrap = bootstrap;
    }

    /** Runs every lane; per lesson, its ended resource (or the failure of its lane). */
    Map<String, InteractionLesson> run() throws Exception {
        ExecutorService lanes = Executors.newFixedThreadPool(LANES.size());
        try {
            List<Future<Map<String, InteractionLesson>>> running = new ArrayList<>();
            for (int i = 0; i < LANES.size(); i++) {
                String namespace = "idemo-lessons-" + (i + 1);
                List<String> lessons = LANES.get(i);
                running.add(lanes.submit(() -> lane(namespace, lessons)));
            }
            Map<String, InteractionLesson> ended = new TreeMap<>();
            for (Future<Map<String, InteractionLesson>> f : running) {
                ended.putAll(f.get());
            }
            return ended;
        } finally {
            lanes.shutdownNow();
        }
    }

    private Map<String, InteractionLesson> lane(String namespace, List<String> lessons) throws IOException {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata().build()).serverSideApply();
        // the leftovers of an earlier run on a kept cluster: its lessons have ended, its demo's topic may be gone
        client.resources(InteractionLesson.class).inNamespace(namespace).withTimeout(3, TimeUnit.MINUTES).delete();
        client.resources(InteractionDemo.class).inNamespace(namespace).withName(DEMO).withTimeout(3, TimeUnit.MINUTES)
                .delete();
        client.resources(InteractionDemo.class).inNamespace(namespace).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic: {management: Direct, partitions: 3}
                """.formatted(DEMO, bootstrap), InteractionDemo.class)).serverSideApply();
        kubectl("-n", namespace, "wait", "--for=condition=Ready", "idemo/" + DEMO, "--timeout=6m");
        for (String lesson : lessons) { // created in order: the operator runs the oldest first
            kubectl("-n", namespace, "apply", "-f", example(lesson).toString());
        }
        Map<String, InteractionLesson> ended = new TreeMap<>();
        for (String lesson : lessons) {
            kubectl("-n", namespace, "wait", "--for=condition=Complete", "lesson/" + lesson, "--timeout=15m");
            InteractionLesson l = client.resources(InteractionLesson.class).inNamespace(namespace).withName(lesson)
                    .get();
            ended.put(lesson, l);
            capture(namespace, lesson, l);
        }
        return ended;
    }

    /** The catalogue lesson's example, as a learner applies it. */
    static Path example(String lesson) {
        return Shell.repoRoot().resolve("examples").resolve("lesson-" + lesson + ".yaml");
    }

    private void capture(String namespace, String lesson, InteractionLesson l) throws IOException {
        Path dir = Shell.repoRoot().resolve("e2e/target/lessons/catalogue");
        Files.createDirectories(dir);
        StringBuilder text = new StringBuilder();
        text.append("$ kubectl get lesson ").append(lesson).append('\n')
                .append(kubectl("-n", namespace, "get", "lesson", lesson)).append('\n');
        text.append("timeline:\n").append(timeline(l)).append('\n');
        text.append("verdicts:\n").append(verdicts(l));
        Files.writeString(dir.resolve(lesson + ".txt"), text);
    }

    /** A lesson's timeline, one line per entry: time, step, what was seen. */
    static String timeline(InteractionLesson l) {
        StringBuilder s = new StringBuilder();
        if (l.getStatus() != null && l.getStatus().getTimeline() != null) {
            for (TimelineEntry e : l.getStatus().getTimeline()) {
                s.append(e.getAt(), Math.min(11, e.getAt().length()), Math.min(19, e.getAt().length())).append("  ")
                        .append(String.format("%-16s", e.getStep() == null ? "" : e.getStep())).append(e.getText())
                        .append('\n');
            }
        }
        return s.toString();
    }

    /** A lesson's verdicts, one line each with its evidence. */
    static String verdicts(InteractionLesson l) {
        StringBuilder s = new StringBuilder();
        if (l.getStatus() != null && l.getStatus().getHypotheses() != null) {
            for (HypothesisVerdict v : l.getStatus().getHypotheses()) {
                s.append(String.format("%-12s", v.getVerdict())).append(v.getStep() == null ? "" : v.getStep() + ": ")
                        .append(v.getHypothesis()).append(" — ").append(v.getEvidence()).append('\n');
            }
        }
        return s.toString();
    }

    private String kubectl(String... args) {
        return kubectl.apply(args);
    }
}
