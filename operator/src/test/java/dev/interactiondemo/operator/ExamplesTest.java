package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.spec.KafkaAuthenticationType;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.engine.lesson.LessonCatalogue;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.Crds;
import io.strimzi.api.kafka.model.common.UnknownPropertyPreserving;
import io.strimzi.api.kafka.model.kafka.EphemeralStorage;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files in examples/ are what they say: applied as users apply them ({@code kubectl apply --dry-run=server
 * --validate=strict}, so a misspelt field fails) to a real API server with the InteractionDemo and InteractionLesson
 * CRDs (a lesson example for every catalogue lesson, each on the demo of the Strimzi example); the Strimzi
 * resources also read into Strimzi's own model with no field it does not know, and fit together.
 */
class ExamplesTest {
    private static final String NS = "examples";
    private static final String KAFKA = "kafka-single-node.yaml";
    private static final String SECURED = "interactiondemo-strimzi-secured.yaml";
    private static final List<String> FILES = Stream.concat(Stream.of("interactiondemo-strimzi.yaml",
            "interactiondemo-direct.yaml", KAFKA, SECURED, "lesson-custom.yaml"),
            LessonCatalogue.NAMES.stream().map(n -> "lesson-" + n + ".yaml")).toList();
    private static Path examples;
    private static Path kubeconfig;

    @BeforeAll
    static void setUp() throws IOException {
        examples = Helm.chart().getParent().getParent().resolve("examples");
        KubernetesClient client = KubeApi.client();
        KubeApi.namespace(NS);
        // Strimzi's Kafka and KafkaNodePool CRDs as its Java API declares them (names and versions; open schema).
        for (CustomResourceDefinition crd : List.of(Crds.kafka(), Crds.kafkaNodePool())) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                            30, TimeUnit.SECONDS);
        }
        kubeconfig = Files.createTempFile("examples-kubeconfig", ".yaml");
        kubeconfig.toFile().deleteOnExit();
        Files.writeString(kubeconfig, KubeApi.kubeconfig());
    }

    @Test
    void theExamplesAreThere() throws IOException {
        try (var files = Files.list(examples)) {
            assertEquals(Set.copyOf(FILES), Set.copyOf(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")).toList()));
        }
    }

    @Test
    void everyExampleIsAcceptedByTheApiServerStrictly() {
        for (String file : FILES) {
            String out = kubectl("apply", "--dry-run=server", "--validate=strict", "-n", NS, "-f",
                    examples.resolve(file).toString());
            assertFalse(out.toLowerCase().contains("warning"), file + ": " + out);
        }
    }

    @Test
    void aMisspeltFieldIsRefused() throws IOException {
        Path bad = Files.createTempFile("bad-example", ".yaml");
        Files.writeString(bad, Files.readString(examples.resolve("interactiondemo-direct.yaml"))
                .replace("messagesPerSecond:", "messagesPerSeconds:"));
        String out = run(List.of(kubectlBinary().toString(), "--kubeconfig", kubeconfig.toString(), "apply",
                "--dry-run=server", "--validate=strict", "-n", NS, "-f", bad.toString()), false);
        assertTrue(out.contains("messagesPerSeconds"), out);
        Files.delete(bad);
    }

    /** Each lesson example runs its own catalogue lesson (or steps of its own) on the Strimzi example's demo. */
    @Test
    void theLessonExamplesRunOnTheDemoOfTheStrimziExample() throws IOException {
        String demo = demo("interactiondemo-strimzi.yaml").getMetadata().getName();
        for (String name : LessonCatalogue.NAMES) {
            InteractionLesson lesson = Serialization.unmarshal(Files.readString(examples.resolve("lesson-" + name
                    + ".yaml")), InteractionLesson.class);
            assertEquals(name, lesson.getSpec().getLesson());
            assertEquals(name, lesson.getMetadata().getName());
            assertEquals(demo, lesson.getSpec().getDemo());
        }
        InteractionLesson custom = Serialization.unmarshal(Files.readString(examples.resolve("lesson-custom.yaml")),
                InteractionLesson.class);
        assertEquals(demo, custom.getSpec().getDemo());
        assertFalse(custom.getSpec().getSteps().isEmpty());
    }

    @Test
    void theStrimziDemoUsesTheClusterOfTheKafkaExample() throws IOException {
        InteractionDemo demo = demo("interactiondemo-strimzi.yaml");
        assertEquals("demo", demo.getSpec().getKafka().getClusterName());
        DemoSettings s = DemoSettings.of(demo, config());
        assertEquals(TopicManagement.Strimzi, s.management());
        Kafka kafka = strimzi(KAFKA, Kafka.class);
        assertEquals(kafka.getMetadata().getName(), s.clusterName());
        assertTrue(kafka.getSpec().getKafka().getListeners().stream().anyMatch(l -> l.getPort() == 9092 && !l.isTls()),
                "a plain listener on 9092, where the operator points the Host and the Worker");
        assertEquals(kafka.getMetadata().getName() + "-kafka-bootstrap.demo.svc:9092", s.bootstrapServers());
    }

    @Test
    void theDirectDemoManagesItsTopicThroughTheAdminApi() throws IOException {
        InteractionDemo demo = demo("interactiondemo-direct.yaml");
        DemoSettings s = DemoSettings.of(demo, config());
        assertEquals(TopicManagement.Direct, s.management());
        assertEquals("my-kafka.kafka.svc.cluster.local:9092", s.bootstrapServers());
        assertEquals(null, demo.getSpec().getKafka().getClusterName());
    }

    @Test
    void theKafkaExampleIsASingleKraftNodeWithTheTopicOperator() throws IOException {
        Kafka kafka = strimzi(KAFKA, Kafka.class);
        KafkaNodePool pool = strimzi(KAFKA, KafkaNodePool.class);
        assertNoUnknownFields(kafka, "Kafka");
        assertNoUnknownFields(pool, "KafkaNodePool");
        String yaml = Files.readString(examples.resolve(KAFKA));
        assertEquals(2, yaml.split("(?m)^apiVersion: kafka\\.strimzi\\.io/v1$").length - 1, "both kafka.strimzi.io/v1");
        assertEquals(kafka.getMetadata().getName(), pool.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals(1, pool.getSpec().getReplicas());
        assertEquals(Set.of(ProcessRoles.CONTROLLER, ProcessRoles.BROKER), Set.copyOf(pool.getSpec().getRoles()));
        assertTrue(pool.getSpec().getStorage() instanceof EphemeralStorage);
        assertTrue(kafka.getSpec().getEntityOperator().getTopicOperator() != null, "the Topic Operator is on");
        Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
        for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "default.replication.factor", "min.insync.replicas")) {
            assertEquals(1, config.get(key), key);
        }
    }

    @Test
    void theSecuredDemoUsesTheTlsListenerWithScramAndAManagedKafkaUser() throws IOException {
        Kafka kafka = strimzi(SECURED, Kafka.class);
        KafkaNodePool pool = strimzi(SECURED, KafkaNodePool.class);
        assertNoUnknownFields(kafka, "Kafka");
        assertNoUnknownFields(pool, "KafkaNodePool");
        String yaml = Files.readString(examples.resolve(SECURED));
        assertEquals(2, yaml.split("(?m)^apiVersion: kafka\\.strimzi\\.io/v1$").length - 1, "both kafka.strimzi.io/v1");
        assertEquals(kafka.getMetadata().getName(), pool.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals(1, pool.getSpec().getReplicas());
        assertEquals(Set.of(ProcessRoles.CONTROLLER, ProcessRoles.BROKER), Set.copyOf(pool.getSpec().getRoles()));
        assertTrue(pool.getSpec().getStorage() instanceof EphemeralStorage);
        // Both Kafka examples can go into one namespace.
        assertFalse(kafka.getMetadata().getName().equals(strimzi(KAFKA, Kafka.class).getMetadata().getName()));
        assertFalse(pool.getMetadata().getName().equals(strimzi(KAFKA, KafkaNodePool.class).getMetadata().getName()));

        List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
        assertEquals(1, listeners.size(), "one listener: every client logs in over TLS");
        GenericKafkaListener tls = listeners.get(0);
        assertEquals("tls", tls.getName());
        assertEquals(9093, tls.getPort());
        assertEquals(KafkaListenerType.INTERNAL, tls.getType());
        assertTrue(tls.isTls());
        assertTrue(tls.getAuth() instanceof KafkaListenerAuthenticationScramSha512, "scram-sha-512: " + tls.getAuth());
        assertTrue(kafka.getSpec().getKafka().getAuthorization() instanceof KafkaAuthorizationSimple, "simple (ACLs)");
        assertTrue(kafka.getSpec().getEntityOperator().getTopicOperator() != null, "the Topic Operator is on");
        assertTrue(kafka.getSpec().getEntityOperator().getUserOperator() != null, "the User Operator is on");
        Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
        for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "default.replication.factor", "min.insync.replicas")) {
            assertEquals(1, config.get(key), key);
        }

        InteractionDemo demo = demo(SECURED);
        assertEquals(kafka.getMetadata().getName(), demo.getSpec().getKafka().getClusterName());
        DemoSettings s = DemoSettings.of(demo, config());
        assertEquals(TopicManagement.Strimzi, s.management());
        assertEquals(kafka.getMetadata().getName() + "-kafka-bootstrap.demo.svc:9093", s.bootstrapServers(),
                "the TLS listener's port");
        DemoKafkaAccess access = DemoKafkaAccess.of(demo);
        assertTrue(access.tls());
        assertEquals(1, access.trusted().size());
        assertEquals(kafka.getMetadata().getName() + "-cluster-ca-cert", access.trusted().get(0).getSecretName(),
                "Strimzi's cluster CA");
        assertEquals("ca.crt", access.trusted().get(0).getCertificate());
        assertEquals(KafkaAuthenticationType.SCRAM_SHA_512, access.type(), "what the listener takes");
        assertTrue(access.managedUser());
        assertEquals(demo.getMetadata().getName() + "-user", access.kafkaUser());
        assertEquals(access.kafkaUser(), access.username());
        assertEquals(access.kafkaUser(), access.password().getSecretName(), "the User Operator's Secret");
    }

    // --- helpers ---

    private static OperatorConfig config() {
        return OperatorConfig.from(new String[0], Map.of());
    }

    private static InteractionDemo demo(String file) throws IOException {
        InteractionDemo demo = Serialization.unmarshal(document(file, "InteractionDemo"), InteractionDemo.class);
        demo.getMetadata().setNamespace("demo");
        return demo;
    }

    private static <T extends HasMetadata> T strimzi(String file, Class<T> type) throws IOException {
        return Serialization.unmarshal(document(file, type.getSimpleName()), type);
    }

    /** The YAML document of {@code kind} in {@code file} (one document or several, separated by ---). */
    private static String document(String file, String kind) throws IOException {
        String yaml = Files.readString(examples.resolve(file));
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.contains("kind: " + kind + "\n")) {
                return doc;
            }
        }
        throw new AssertionError("no " + kind + " in " + file);
    }

    /** Strimzi's model keeps fields it does not know aside: there must be none, at any depth. */
    private static void assertNoUnknownFields(Object root, String what) {
        List<String> unknown = new ArrayList<>();
        walk(root, what, unknown, new IdentityHashMap<>());
        assertEquals(List.of(), unknown, "fields Strimzi does not know");
    }

    private static void walk(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.strimzi.")) {
            return;
        }
        if (o instanceof UnknownPropertyPreserving u && u.getAdditionalProperties() != null) {
            u.getAdditionalProperties().keySet().forEach(k -> unknown.add(path + "." + k));
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() == 0 && m.getName().startsWith("get") && !Modifier.isStatic(m.getModifiers())
                    && !m.getName().equals("getAdditionalProperties") && !m.getName().equals("getClass")) {
                try {
                    walk(m.invoke(o), path + "." + m.getName().substring(3), unknown, seen);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // a getter that computes something: not a field
                }
            }
        }
    }

    private static Path kubectlBinary() {
        return Helm.kubeBinaries().resolve("kubectl");
    }

    private static String kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(kubectlBinary().toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return run(command, true);
    }

    private static String run(List<String> command, boolean mustSucceed) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            if (mustSucceed) {
                assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
            } else {
                assertTrue(p.exitValue() != 0, "expected a failure: " + String.join(" ", command) + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
