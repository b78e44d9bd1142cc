package dev.interactiondemo.e2e;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The suite's InteractionDemos as its tests read and change them: the demo most tests work on (its status, a
 * patch, its pods' counters), any demo waited for until its status says what a test expects (the last status seen
 * named when it does not come), tenants' demos applied, and what {@code kubectl get} and the status show at a
 * moment kept for the docs.
 */
final class Demos {
    private final ClusterAccess cluster;
    private final KubernetesClient client;
    private final String demoNamespace;
    private final String demoName;

    /** The demos of this cluster; the demo most tests work on is {@code name} in {@code namespace}. */
    Demos(ClusterAccess cluster, String namespace, String name) {
        this.cluster = cluster;
        this.client = cluster.client();
        this.demoNamespace = namespace;
        this.demoName = name;
    }

    /** The demo. */
    InteractionDemo demo() {
        return client.resources(InteractionDemo.class).inNamespace(demoNamespace).withName(demoName).get();
    }

    /** The demo's condition of this type, if it has a status that has it. */
    static Optional<Condition> condition(InteractionDemo d, String type) {
        if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    /** Whether the demo's condition of this type has this status. */
    static boolean is(InteractionDemo d, String type, String status) {
        return condition(d, type).map(c -> c.getStatus().equals(status)).orElse(false);
    }

    /** Waits for the demo: see {@link #awaitDemo(String, String, String, Predicate, Duration)}. */
    InteractionDemo await(String what, Predicate<InteractionDemo> p, Duration timeout) {
        return awaitDemo(demoNamespace, demoName, what, p, timeout);
    }

    /**
     * Waits ({@link Await}, every second) for the demo to satisfy {@code p}; times out naming what it waited for and
     * the last status it saw.
     */
    InteractionDemo awaitDemo(String namespace, String name, String what, Predicate<InteractionDemo> p,
                              Duration timeout) {
        AtomicReference<InteractionDemo> last = new AtomicReference<>();
        try {
            return Await.value(namespace + "/" + name + ": " + what, () -> {
                InteractionDemo d = client.resources(InteractionDemo.class).inNamespace(namespace).withName(name).get();
                last.set(d);
                return Optional.ofNullable(d).filter(p);
            }, timeout, Duration.ofSeconds(1));
        } catch (AssertionError e) {
            InteractionDemo d = last.get();
            throw new AssertionError(e.getMessage() + "; last status: "
                    + (d == null || d.getStatus() == null ? "none" : Serialization.asYaml(d.getStatus())), e);
        }
    }

    /** A JSON merge patch of the demo. */
    void patch(String json) {
        client.resources(InteractionDemo.class).inNamespace(demoNamespace).withName(demoName)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    /** A counter summed over the demo's namespace's running pods whose name starts with {@code podPrefix}. */
    double metric(String podPrefix, String metric) {
        return cluster.metric(demoNamespace, podPrefix, metric);
    }

    /** Writes what {@code kubectl get} and the status show at a moment of a lesson, for docs/lessons.md. */
    void capture(String lesson, String moment) {
        try {
            Path dir = Shell.repoRoot().resolve("e2e/target/lessons");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(lesson + "-" + moment + ".txt"), shown(demoNamespace, demoName, demo()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code kubectl get} and the status of a demo at a moment, kstatus conditions included. */
    void captureStatus(String namespace, String name, String moment) {
        try {
            Path dir = Shell.repoRoot().resolve("e2e/target/statuses");
            Files.createDirectories(dir);
            InteractionDemo d = client.resources(InteractionDemo.class).inNamespace(namespace).withName(name).get();
            Files.writeString(dir.resolve(moment + ".txt"), shown(namespace, name, d));
            d.getMetadata().setManagedFields(null);
            Files.writeString(dir.resolve(moment + ".json"), Serialization.asJson(d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code kubectl get} shows of the demo, then its status. */
    private String shown(String namespace, String name, InteractionDemo d) {
        return "$ kubectl get idemo " + name + "\n" + cluster.kubectl("-n", namespace, "get", "idemo", name) + "\n"
                + Serialization.asYaml(d.getStatus());
    }

    /** A tenant's Direct-mode demo of two partitions, publishing ten a second, on this bootstrap address. */
    void tenant(String namespace, String name, String bootstrap) {
        client.resources(InteractionDemo.class).inNamespace(namespace).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic: {management: Direct, partitions: 2}
                  host: {messagesPerSecond: 10}
                """.formatted(name, bootstrap), InteractionDemo.class)).serverSideApply();
    }

    /** Waits for a demo with a status that satisfies {@code p}. */
    InteractionDemo awaitDemo(String namespace, String name, Predicate<InteractionDemo> p, Duration timeout) {
        return awaitDemo(namespace, name, "the status asked for", d -> d.getStatus() != null && p.test(d), timeout);
    }
}
