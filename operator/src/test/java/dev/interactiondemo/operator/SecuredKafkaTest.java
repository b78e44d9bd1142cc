package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.Certificates;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A demo against a Kafka with TLS, SCRAM and ACLs (a real broker's SASL_SSL listener): the operator's readings, the
 * Host and the Worker (run here from their Deployments' environment, the Secrets written where the kubelet would
 * mount them) all connect with the demo's credentials and reach counts. Each way of getting the credentials wrong
 * is produced for real and named in the status: a wrong password, a CA that did not sign the broker's certificate,
 * a missing Secret, a user without ACLs.
 */
class SecuredKafkaTest {
    private static final String NS = "secured";
    private static final String PASSWORD = "alice-s3cret \"quoted\"";
    private static KubernetesClient client;
    private static LocalKafkaBroker broker;
    private static RunningOperator operator;
    private static GreeterServer greeter;
    private static Path mounts;

    @BeforeAll
    static void start() throws IOException {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        Certificates ca = Certificates.newCa("secured-test-ca");
        broker = LocalKafkaBroker.builder()
                .secured(ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"))).start();
        broker.addScramUser("alice", PASSWORD);
        broker.addScramUser("bob", "bob-pw");
        broker.allow("User:alice", ResourceType.TOPIC, NS + ".alice-notifications", AclOperation.CREATE,
                AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER, AclOperation.WRITE,
                AclOperation.READ, AclOperation.DELETE);
        broker.allow("User:alice", ResourceType.GROUP, NS + ".alice-workers", AclOperation.READ,
                AclOperation.DESCRIBE);
        secret("kafka-ca", Map.of("ca.crt", ca.caPem()));
        secret("my-cluster-cluster-ca-cert", Map.of("ca.crt", ca.caPem())); // as Strimzi's Cluster Operator names it
        secret("other-ca", Map.of("ca.crt", Certificates.newCa("someone-else").caPem()));
        secret("alice", Map.of("password", PASSWORD + "\n")); // a trailing line break, as `echo` leaves one
        secret("mallory", Map.of("password", "not-alices-password"));
        secret("bob", Map.of("password", "bob-pw"));
        greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
        mounts = Files.createTempDirectory("secured-mounts");
        operator = RunningOperator.start(client, NS, Map.of(), d -> "localhost:" + greeter.port());
    }

    @AfterAll
    static void stop() throws IOException {
        operator.close();
        greeter.close();
        broker.close();
        try (Stream<Path> files = Files.walk(mounts)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void secret(String name, Map<String, String> data) {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withStringData(data).build()).create();
    }

    private static InteractionDemo create(String name, String tlsSecret, String user, String passwordSecret) {
        return client.resources(InteractionDemo.class).inNamespace(NS).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic: {management: Direct, partitions: 2}
                    tls:
                      trustedCertificates: [{secretName: %s, certificate: ca.crt}]
                    authentication:
                      type: scram-sha-512
                      username: %s
                      passwordSecret: {secretName: %s, password: password}
                  host: {messagesPerSecond: 20}
                """.formatted(name, broker.bootstrapServers(LocalKafkaBroker.SASL_SSL), tlsSecret, user,
                passwordSecret), InteractionDemo.class)).create();
    }

    private static Optional<Condition> condition(String demo, String type) {
        InteractionDemo d = client.resources(InteractionDemo.class).inNamespace(NS).withName(demo).get();
        if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    private static Condition awaitReason(String demo, String type, String reason) {
        try {
            return Await.value(demo + ": " + type + " " + reason, () -> condition(demo, type)
                    .filter(c -> reason.equals(c.getReason())), Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the status: " + Serialization.asYaml(client.resources(
                    InteractionDemo.class).inNamespace(NS).withName(demo).get().getStatus()), e);
        }
    }

    @Test
    void aDemoOnScramOverTlsReachesCountsWithItsOwnCredentials() {
        create("alice", "kafka-ca", "alice", "alice");
        Deployment host = reportAvailable("alice-host");
        Deployment worker = reportAvailable("alice-worker");
        reportAvailable("alice-greeter");
        Map<String, String> hostEnv = env(host);
        assertEquals("SCRAM-SHA-512", hostEnv.get("KAFKA_SASL_MECHANISM"));
        assertFalse(hostEnv.values().stream().anyMatch(v -> v.contains(PASSWORD)), "no password in the environment");
        NotificationWorker w = new NotificationWorker(notifier(worker), Metrics.newRegistry()).start();
        NotificationHost h = new NotificationHost(notifier(host), Metrics.newRegistry()).start();
        try {
            Condition flowing = awaitReason("alice", "MessagesFlowing", "Flowing");
            assertEquals("True", flowing.getStatus());
            assertEquals("True", condition("alice", "TopicReady").orElseThrow().getStatus());
            InteractionDemo d = client.resources(InteractionDemo.class).inNamespace(NS).withName("alice").get();
            long produced = d.getStatus().getMessages().getProduced();
            Await.value("counts rising", () -> Optional.ofNullable(client.resources(InteractionDemo.class)
                    .inNamespace(NS).withName("alice").get()).filter(x -> x.getStatus().getMessages().getProduced()
                    > produced && x.getStatus().getMessages().getConsumed() > 0), Duration.ofSeconds(30));
            assertEquals(0L, w.stats().lost(), "nothing lost");
        } finally {
            h.close();
            w.close();
        }
    }

    @Test
    void aWrongPasswordIsNamedAsSuch() {
        create("mallory", "kafka-ca", "alice", "mallory");
        Condition topic = awaitReason("mallory", "TopicReady", "KafkaAuthenticationFailed");
        assertEquals("False", topic.getStatus());
        assertTrue(topic.getMessage().contains("User:alice"), topic.getMessage());
        assertEquals("False", awaitReason("mallory", "MessagesFlowing", "KafkaAuthenticationFailed").getStatus());
    }

    @Test
    void aCaThatDidNotSignTheBrokersCertificateIsNamedAsSuch() {
        create("other-ca", "other-ca", "alice", "alice");
        Condition topic = awaitReason("other-ca", "TopicReady", "KafkaTlsFailed");
        assertTrue(topic.getMessage().contains("not signed by a trusted CA"), topic.getMessage());
    }

    @Test
    void aMissingSecretOrKeyIsNamed() {
        create("no-secret", "kafka-ca", "alice", "nowhere");
        Condition topic = awaitReason("no-secret", "TopicReady", "SecretNotFound");
        assertTrue(topic.getMessage().contains("Secret nowhere not found in namespace " + NS), topic.getMessage());
        client.resources(InteractionDemo.class).inNamespace(NS).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata: {name: no-key}
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic: {management: Direct}
                    tls: {trustedCertificates: [{secretName: kafka-ca, certificate: tls.crt}]}
                """.formatted(broker.bootstrapServers(LocalKafkaBroker.SSL)), InteractionDemo.class)).create();
        Condition key = awaitReason("no-key", "TopicReady", "SecretNotFound");
        assertTrue(key.getMessage().contains("Secret kafka-ca has no key tls.crt"), key.getMessage());
    }

    @Test
    void aUserWithoutAclsIsToldWhichAclIsMissing() {
        create("bob", "kafka-ca", "bob", "bob");
        Condition topic = awaitReason("bob", "TopicReady", "KafkaAuthorizationFailed");
        assertTrue(topic.getMessage().contains("an ACL is missing") && topic.getMessage().contains("bob"),
                topic.getMessage());
    }

    /**
     * Strimzi mode with {@code user.managed}: the operator creates the KafkaUser; the test plays Strimzi's User
     * Operator (creates the user in Kafka with the KafkaUser's ACLs, writes its Secret, reports it Ready) and Topic
     * Operator. The readings then run as that user, trusting the cluster CA by default.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aManagedKafkaUserGivesTheDemoItsCredentials() throws Exception {
        client.resources(InteractionDemo.class).inNamespace(NS).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata: {name: hello}
                spec:
                  kafka:
                    clusterName: my-cluster
                    bootstrapServers: %s
                    tls: {}
                    user: {managed: true}
                """.formatted(broker.bootstrapServers(LocalKafkaBroker.SASL_SSL)), InteractionDemo.class)).create();
        var kafkaUser = client.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaUser").inNamespace(NS)
                .withName("hello-user");
        var user = Await.value("the KafkaUser", () -> Optional.ofNullable(kafkaUser.get()), Duration.ofSeconds(60));
        assertEquals("my-cluster", user.getMetadata().getLabels().get("strimzi.io/cluster"));
        Map<String, Object> spec = (Map<String, Object>) user.getAdditionalProperties().get("spec");
        assertEquals(Map.of("type", "scram-sha-512"), spec.get("authentication"));
        assertEquals("False", awaitReason("hello", "UserReady", "WaitingForUserOperator").getStatus());
        awaitReason("hello", "MessagesFlowing", "SecretNotFound");

        // The User Operator's part: the user and its ACLs in Kafka, its Secret, Ready.
        List<Map<String, Object>> acls = (List<Map<String, Object>>) ((Map<String, Object>) spec.get("authorization"))
                .get("acls");
        String password = "generated-by-the-user-operator";
        broker.addScramUser("hello-user", password);
        for (Map<String, Object> acl : acls) {
            Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
            broker.allow("User:hello-user", ResourceType.valueOf(((String) resource.get("type")).toUpperCase()),
                    (String) resource.get("name"), ((List<String>) acl.get("operations")).stream()
                            .map(o -> AclOperation.valueOf(o.toUpperCase())).toArray(AclOperation[]::new));
        }
        secret("hello-user", Map.of("password", password));
        kafkaUser.editStatus(u -> {
            u.getAdditionalProperties().put("status", Map.of("observedGeneration", u.getMetadata().getGeneration(),
                    "username", "hello-user", "secret", "hello-user", "conditions", List.of(Map.of("type", "Ready",
                            "status", "True"))));
            return u;
        });
        assertEquals("True", awaitReason("hello", "UserReady", "KafkaUserReady").getStatus());

        // The Topic Operator's part: the topic in Kafka, the KafkaTopic Ready.
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(NS + ".hello-notifications", 3,
                    (short) 1))).all().get();
        }
        var topic = client.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic").inNamespace(NS)
                .withName("hello-notifications");
        Await.value("the KafkaTopic", () -> Optional.ofNullable(topic.get()), Duration.ofSeconds(60));
        topic.editStatus(t -> {
            t.getAdditionalProperties().put("status", Map.of("observedGeneration", t.getMetadata().getGeneration(),
                    "conditions", List.of(Map.of("type", "Ready", "status", "True"))));
            return t;
        });
        InteractionDemo counted = Await.value("counts read as hello-user", () -> Optional.ofNullable(client
                .resources(InteractionDemo.class).inNamespace(NS).withName("hello").get()).filter(d ->
                d.getStatus().getMessages() != null), Duration.ofSeconds(60));
        assertEquals(0L, counted.getStatus().getMessages().getProduced());
        Deployment host = Await.value("the Host", () -> Optional.ofNullable(client.apps().deployments()
                .inNamespace(NS).withName("hello-host").get()), Duration.ofSeconds(60));
        Map<String, String> env = env(host);
        assertEquals("hello-user", env.get("KAFKA_SASL_USERNAME"));
        assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"));
        assertTrue(host.getSpec().getTemplate().getSpec().getVolumes().stream().anyMatch(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("my-cluster-cluster-ca-cert")), "the cluster CA, by default");
    }

    private static Deployment reportAvailable(String name) {
        return KubeApi.reportAvailable(NS, name, 1);
    }

    private static Map<String, String> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /**
     * A notifier configured from its Deployment's environment, with the Deployment's Secret volumes written under a
     * directory of the test (as the kubelet mounts them) and the paths in the environment pointing there.
     */
    private static NotifierConfig notifier(Deployment d) {
        var pod = d.getSpec().getTemplate().getSpec();
        Path root = mounts.resolve(d.getMetadata().getName());
        Map<String, String> mountPaths = new HashMap<>();
        for (VolumeMount m : pod.getContainers().get(0).getVolumeMounts()) {
            mountPaths.put(m.getName(), m.getMountPath());
        }
        for (Volume v : pod.getVolumes()) {
            if (v.getSecret() == null) {
                continue;
            }
            Secret secret = client.secrets().inNamespace(NS).withName(v.getSecret().getSecretName()).get();
            Path dir = root.resolve(mountPaths.get(v.getName()).substring(1));
            List<KeyToPath> items = v.getSecret().getItems() != null ? v.getSecret().getItems()
                    : secret.getData().keySet().stream().map(k -> new KeyToPath(k, null, k)).toList();
            for (KeyToPath item : items) {
                write(dir.resolve(item.getPath()), new String(Base64.getDecoder().decode(secret.getData()
                        .get(item.getKey())), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> env = new HashMap<>();
        env(d).forEach((k, v) -> env.put(k, v.replace("/etc/interaction-demo/", root + "/etc/interaction-demo/")));
        return NotifierConfig.from(new String[] {"--greeter-target=localhost:" + greeter.port(), "--http-port=0"}, env);
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
