package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What RbacTest has the operator do under the chart's RBAC, as a user would make it: Direct- and Strimzi-mode demos in
 * one namespace, and one with a managed KafkaUser (whose Secret the operator reads): creation, the Strimzi one
 * switched to Direct, InteractionLessons on the Direct one, the Kafka cut on and off, deletion. The client plays the
 * users (and Strimzi's Topic Operator); the operator under test answers.
 */
final class RbacScenario {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KubernetesClient admin;
    private final String ns;
    private final boolean strict;
    private final String direct;
    private final String strimzi;
    private final String user;

    /**
     * @param admin  a client with every right, that plays the users and the Topic Operator
     * @param ns     the namespace, created here
     * @param strict whether what the operator does must happen (else waits are short, and a timeout is not a
     *               failure: the operator may lack a permission)
     */
    RbacScenario(KubernetesClient admin, String ns, boolean strict) {
        this.admin = admin;
        this.ns = ns;
        this.strict = strict;
        // Names unique across namespaces: the Direct topics share one Kafka broker.
        this.direct = ns + "-direct";
        this.strimzi = ns + "-strimzi";
        this.user = ns + "-user";
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
    }

    void createDemos() {
        admin.resources(InteractionDemo.class).inNamespace(ns).resource(DirectModeTest.directDemo(direct, ""))
                .create();
        admin.resources(InteractionDemo.class).inNamespace(ns).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    clusterName: my-cluster
                """.formatted(strimzi), InteractionDemo.class)).create();
        admin.resources(InteractionDemo.class).inNamespace(ns).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    clusterName: my-cluster
                    user: {managed: true}
                """.formatted(user), InteractionDemo.class)).create();
    }

    void awaitEverything() {
        for (String d : List.of(direct + "-greeter", direct + "-worker", direct + "-host", strimzi + "-greeter",
                strimzi + "-worker")) {
            await("Deployment " + d, () -> admin.apps().deployments().inNamespace(ns).withName(d).get() != null);
        }
        for (String s : List.of(direct + "-greeter", strimzi + "-greeter")) {
            await("Service " + s, () -> admin.services().inNamespace(ns).withName(s).get() != null);
        }
        await("KafkaTopic " + strimzi + "-notifications", () -> topic().get() != null);
        await("KafkaUser " + user + "-user", () -> admin.genericKubernetesResources("kafka.strimzi.io/v1",
                "KafkaUser").inNamespace(ns).withName(user + "-user").get() != null);
        await("the status of " + user + ", its Secret looked for", () -> {
            InteractionDemo d = demo(user);
            return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                    && d.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("UserReady"))
                    && d.getStatus().getConditions().stream().anyMatch(c -> "SecretNotFound".equals(c.getReason()));
        });
        // The Topic Operator's part: the topic is Ready; then the Host starts.
        if (topic().get() != null) {
            topic().editStatus(t -> {
                t.getAdditionalProperties().put("status", Map.of("topicName", strimzi + "-notifications",
                        "observedGeneration", t.getMetadata().getGeneration(), "conditions", List.of(Map.of("type", "Ready", "status", "True",
                                "lastTransitionTime", "2026-01-01T00:00:00Z"))));
                return t;
            });
        }
        await("Deployment " + strimzi + "-host", () -> admin.apps().deployments().inNamespace(ns)
                .withName(strimzi + "-host").get() != null);
        for (String name : List.of(direct, strimzi)) {
            await("the status of " + name, () -> {
                InteractionDemo d = demo(name);
                return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                        && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration())
                        && (!name.equals(strimzi) || "True".equals(condition(d, "TopicReady")));
            });
            if (strict) {
                InteractionDemo d = demo(name);
                d.getStatus().getConditions().forEach(c -> assertFalse(String.valueOf(c.getMessage())
                        .toLowerCase(Locale.ROOT).contains("forbidden"), name + ": " + c));
            }
        }
    }

    /**
     * InteractionLessons on the Direct demo: one runs to its end (switches a fault, gives it back), one is deleted
     * mid-step (its finalizer gives the fault back, then goes); both leave the demo's managedFields.
     */
    void runLessons() {
        String done = ns + "-ends";
        String deleted = ns + "-deleted";
        for (String name : List.of(done, deleted)) {
            admin.resources(InteractionLesson.class).inNamespace(ns).resource(Serialization.unmarshal("""
                    apiVersion: interactiondemo.dev/v1alpha1
                    kind: InteractionLesson
                    metadata:
                      name: %s
                    spec:
                      demo: %s
                      steps:
                      - name: errors
                        set: {faults: {greeter: {errorRate: 0.1}}}
                        hold: %s
                    """.formatted(name, direct, name.equals(done) ? "1s" : "10m"), InteractionLesson.class))
                    .create();
            await("lesson " + name + " switching the fault", () -> {
                InteractionDemo d = demo(direct);
                return d != null && d.getSpec().getFaults() != null && d.getSpec().getFaults().getGreeter() != null
                        && d.getSpec().getFaults().getGreeter().getErrorRate() != null;
            });
            if (name.equals(done)) {
                await("lesson " + name + " Complete", () -> {
                    InteractionLesson l = lesson(name);
                    return l != null && l.getStatus() != null && l.getStatus().getConditions() != null
                            && l.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Complete")
                            && c.getStatus().equals("True"));
                });
            }
            admin.resources(InteractionLesson.class).inNamespace(ns).withName(name).delete();
            await("lesson " + name + " deleted (its finalizer removed)", () -> lesson(name) == null);
            await("the fault given back by " + name, () -> {
                InteractionDemo d = demo(direct);
                return d != null && (d.getSpec().getFaults() == null || d.getSpec().getFaults().getGreeter() == null
                        || d.getSpec().getFaults().getGreeter().getErrorRate() == null);
            });
        }
    }

    private InteractionLesson lesson(String name) {
        return admin.resources(InteractionLesson.class).inNamespace(ns).withName(name).get();
    }

    /** The Strimzi demo switches to Direct; then both demos are deleted (their finalizers removed). */
    void dropTheKafkaTopicAndDelete() {
        admin.resources(InteractionDemo.class).inNamespace(ns).withName(strimzi).patch(PatchContext.of(
                PatchType.JSON_MERGE), "{\"spec\":{\"kafka\":{\"clusterName\":null,\"bootstrapServers\":\""
                + LocalKafkaBroker.shared().bootstrapServers() + "\",\"topic\":{\"management\":\"Direct\"}}}}");
        // The operator leaves the KafkaTopic to the garbage collector; should it delete it one day, the audit
        // log shows the request (refused until the chart grants delete).
        until(() -> topic().get() == null, Duration.ofSeconds(3));
        // The lesson "Kafka cut off": a NetworkPolicy while the fault is on, none once it is lifted. Twice: the
        // second time its Events are repeats, which bump the Events of the first (get, patch).
        var cut = admin.network().v1().networkPolicies().inNamespace(ns).withName(direct + "-host-kafka-cut");
        for (int round = 0; round < 2; round++) {
            admin.resources(InteractionDemo.class).inNamespace(ns).withName(direct).patch(PatchContext.of(
                    PatchType.JSON_MERGE), "{\"spec\":{\"faults\":{\"kafka\":{\"cutHost\":true}}}}");
            await("NetworkPolicy " + direct + "-host-kafka-cut", () -> cut.get() != null);
            await("FaultsActive in the status", () -> faultsActive(direct).equals("True"));
            admin.resources(InteractionDemo.class).inNamespace(ns).withName(direct).patch(PatchContext.of(
                    PatchType.JSON_MERGE), "{\"spec\":{\"faults\":null}}");
            await("the cut lifted", () -> cut.get() == null);
            await("no fault in the status", () -> faultsActive(direct).equals("False"));
        }
        for (String name : List.of(direct, strimzi, user)) {
            admin.resources(InteractionDemo.class).inNamespace(ns).withName(name).delete();
        }
        for (String name : List.of(direct, strimzi, user)) {
            await(name + " deleted (its finalizer removed)", () -> demo(name) == null);
        }
    }

    private Resource<GenericKubernetesResource> topic() {
        return admin.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic").inNamespace(ns)
                .withName(strimzi + "-notifications");
    }

    private String faultsActive(String name) {
        InteractionDemo d = demo(name);
        return d == null || d.getStatus() == null ? "" : d.getStatus().getConditions().stream()
                .filter(c -> "FaultsActive".equals(c.getType())).map(c -> c.getStatus()).findFirst().orElse("");
    }

    private InteractionDemo demo(String name) {
        return admin.resources(InteractionDemo.class).inNamespace(ns).withName(name).get();
    }

    private void await(String what, BooleanSupplier condition) {
        if (!until(condition, strict ? WAIT : Duration.ofSeconds(10)) && strict) {
            fail("timed out waiting for " + what + " in " + ns);
        }
    }

    /** Whether {@code condition} came true within {@code timeout} (a timeout is an answer here, not a failure). */
    boolean until(BooleanSupplier condition, Duration timeout) {
        try {
            Await.until("a condition in " + ns, condition::getAsBoolean, timeout, Duration.ofMillis(200));
            return true;
        } catch (AssertionError timedOut) {
            return false;
        }
    }

    private static String condition(InteractionDemo d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
                .map(c -> c.getStatus()).orElse(null);
    }
}
