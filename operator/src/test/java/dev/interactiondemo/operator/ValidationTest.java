package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CRD's schema and CEL rules, as a real API server applies them at admission. */
class ValidationTest {
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void setUp() {
        client = KubeApi.client();
        ns = KubeApi.namespace("validation");
    }

    private static InteractionDemo demo(String name, String specYaml) {
        return Serialization.unmarshal(yaml(name, specYaml), InteractionDemo.class);
    }

    private static String yaml(String name, String specYaml) {
        return ("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                %s
                """.formatted(name, specYaml.indent(2)));
    }

    private static String rejection(String name, String specYaml) {
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.genericKubernetesResources(InteractionDemo.GROUP + "/" + InteractionDemo.VERSION,
                        "InteractionDemo").inNamespace(ns)
                        .resource(Serialization.unmarshal(yaml(name, specYaml), GenericKubernetesResource.class))
                        .create());
        assertEquals(422, e.getCode(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aMinimalDemoIsAcceptedAndDefaulted() {
        InteractionDemo created = client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("minimal", """
                kafka:
                  clusterName: my-cluster
                  topic: {}
                host: {}
                worker: {}
                """)).create();
        assertEquals("Strimzi", created.getSpec().getKafka().getTopic().getManagement().name());
        assertEquals(3, created.getSpec().getKafka().getTopic().getPartitions());
        assertEquals(5.0, created.getSpec().getHost().getMessagesPerSecond());
        assertEquals("sync", created.getSpec().getHost().getCallMode().name());
        assertEquals(1, created.getSpec().getWorker().getReplicas());
        assertEquals("0ms", created.getSpec().getWorker().getProcessingDelay());
    }

    @Test
    void kafkaNeedsAClusterOrBootstrapServers() {
        String m = rejection("no-kafka", "kafka: {topic: {management: Direct}}");
        assertTrue(m.contains("spec.kafka: Invalid value") && m.contains("set clusterName (a Strimzi Kafka cluster in "
                + "this namespace) or bootstrapServers"), m);
    }

    @Test
    void strimziManagementNeedsAClusterName() {
        String m = rejection("strimzi-no-cluster", "kafka: {bootstrapServers: 'kafka:9092', topic: {management: Strimzi}}");
        assertTrue(m.contains("spec.kafka.clusterName") && m.contains("topic.management Strimzi needs clusterName"), m);
    }

    @Test
    void replicasCannotBeNegative() {
        String m = rejection("negative", "kafka: {clusterName: c}\nworker: {replicas: -1}");
        assertTrue(m.contains("spec.worker.replicas") && m.contains("should be greater than or equal to 0"), m);
    }

    @Test
    void theRateHasASaneMaximum() {
        String m = rejection("too-fast", "kafka: {clusterName: c}\nhost: {messagesPerSecond: 1000000}");
        assertTrue(m.contains("spec.host.messagesPerSecond") && m.contains("less than or equal to 1000"), m);
    }

    @Test
    void topicNamesFollowKafkasRules() {
        String m = rejection("bad-topic", "kafka: {clusterName: c, topic: {name: 'no spaces please'}}");
        assertTrue(m.contains("spec.kafka.topic.name") && m.contains("should match"), m);
    }

    @Test
    void aTopicHasAtLeastOnePartition() {
        String m = rejection("no-partitions", "kafka: {clusterName: c, topic: {partitions: 0}}");
        assertTrue(m.contains("spec.kafka.topic.partitions") && m.contains("greater than or equal to 1"), m);
    }

    @Test
    void callModeIsSyncOrAsync() {
        String m = rejection("bad-mode", "kafka: {clusterName: c}\nhost: {callMode: telepathic}");
        assertTrue(m.contains("spec.host.callMode") && m.contains("Unsupported value: \"telepathic\""), m);
    }

    @Test
    void delaysAreDurations() {
        String m = rejection("bad-delay", "kafka: {clusterName: c}\nworker: {processingDelay: soon}");
        assertTrue(m.contains("spec.worker.processingDelay") && m.contains("should match"), m);
    }

    @Test
    void theTopicNameCannotChange() {
        client.resources(InteractionDemo.class).inNamespace(ns)
                .resource(demo("rename", "kafka: {clusterName: c, topic: {name: first}}")).create();
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client
                .resources(InteractionDemo.class).inNamespace(ns).withName("rename")
                .edit(d -> {
                    d.getSpec().getKafka().getTopic().setName("second");
                    return d;
                }));
        assertEquals(422, e.getCode());
        assertTrue(e.getMessage().contains("the topic name cannot change"), e.getMessage());
    }

    @Test
    void delaysAreAtMostWhatTheWorkloadsAccept() {
        String m = rejection("slow-greeter", "kafka: {clusterName: c}\ngreeter: {responseDelay: 2m}");
        assertTrue(m.contains("spec.greeter.responseDelay") && m.contains("at most 60s"), m);
        m = rejection("slow-worker", "kafka: {clusterName: c}\nworker: {processingDelay: 61000ms}");
        assertTrue(m.contains("spec.worker.processingDelay") && m.contains("at most 60s"), m);
        client.resources(InteractionDemo.class).inNamespace(ns)
                .resource(demo("sixty", "kafka: {clusterName: c}\nworker: {processingDelay: 60s}")).create();
    }

    @Test
    void theNameFitsTheServicesItBecomes() {
        String m = rejection("a".repeat(56), "kafka: {clusterName: c}");
        assertTrue(m.contains("at most 55 characters"), m);
        m = rejection("has.dots", "kafka: {clusterName: c}");
        assertTrue(m.contains("at most 55 characters, lower-case letters, digits and '-'"), m);
        client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("a".repeat(55),
                "kafka: {clusterName: c}")).create();
    }

    @Test
    void topicConfigTakesKafkasTopicLevelConfigsOnly() {
        String m = rejection("bad-key", "kafka: {clusterName: c, topic: {config: {log.dirs: /etc}}}");
        assertTrue(m.contains("spec.kafka.topic.config") && m.contains("only Kafka's topic-level configs"), m);
        m = rejection("bad-number", "kafka: {clusterName: c, topic: {config: {retention.ms: forever}}}");
        assertTrue(m.contains("spec.kafka.topic.config") && m.contains("these are whole numbers"), m);
        m = rejection("bad-policy", "kafka: {clusterName: c, topic: {config: {cleanup.policy: shred}}}");
        assertTrue(m.contains("cleanup.policy is delete, compact"), m);
        m = rejection("long-value", "kafka: {clusterName: c, topic: {config: {retention.ms: '" + "1".repeat(65) + "'}}}");
        assertTrue(m.contains("spec.kafka.topic.config") && m.contains("may not be more than 64"), m);
        client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("good-config",
                "kafka: {clusterName: c, topic: {config: {retention.ms: '3600000', cleanup.policy: 'compact,delete',"
                        + " min.cleanable.dirty.ratio: '0.5'}}}")).create();
    }

    @Test
    void partitionsCanGrowButNeverShrink() {
        client.resources(InteractionDemo.class).inNamespace(ns)
                .resource(demo("shrink", "kafka: {clusterName: c, topic: {partitions: 4}}")).create();
        client.resources(InteractionDemo.class).inNamespace(ns).withName("shrink").edit(d -> {
            d.getSpec().getKafka().getTopic().setPartitions(6);
            return d;
        });
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client
                .resources(InteractionDemo.class).inNamespace(ns).withName("shrink")
                .edit(d -> {
                    d.getSpec().getKafka().getTopic().setPartitions(2);
                    return d;
                }));
        assertEquals(422, e.getCode());
        assertTrue(e.getMessage().contains("spec.kafka.topic.partitions") && e.getMessage().contains("cannot shrink"),
                e.getMessage());
    }

    @Test
    void securedKafkaSettingsAreAcceptedInStrimzisShapes() {
        InteractionDemo created = client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("secured", """
                kafka:
                  bootstrapServers: kafka:9093
                  topic: {management: Direct}
                  tls:
                    trustedCertificates:
                      - {secretName: my-cluster-cluster-ca-cert, certificate: ca.crt}
                      - {secretName: more-cas, pattern: "*.crt"}
                  authentication:
                    type: scram-sha-512
                    username: alice
                    passwordSecret: {secretName: alice, password: password}
                """)).create();
        assertEquals("SCRAM_SHA_512", created.getSpec().getKafka().getAuthentication().getType().name());
        assertEquals(2, created.getSpec().getKafka().getTls().getTrustedCertificates().size());
        client.resources(InteractionDemo.class).inNamespace(ns).resource(demo("managed-user", """
                kafka:
                  clusterName: my-cluster
                  tls: {}
                  user: {managed: true, authentication: tls}
                """)).create();
    }

    @Test
    void securedKafkaSettingsThatDoNotGoTogetherAreRefused() {
        String m = rejection("tls-auth-no-tls", """
                kafka:
                  bootstrapServers: kafka:9093
                  authentication: {type: tls, certificateAndKey: {secretName: u, certificate: user.crt, key: user.key}}
                """);
        assertTrue(m.contains("spec.kafka.tls") && m.contains("tls authentication (a client certificate) needs tls"), m);
        m = rejection("scram-no-password", """
                kafka:
                  bootstrapServers: kafka:9092
                  authentication: {type: scram-sha-512, username: alice}
                """);
        assertTrue(m.contains("spec.kafka.authentication.passwordSecret") && m.contains("needs username and "
                + "passwordSecret"), m);
        m = rejection("tls-with-password", """
                kafka:
                  bootstrapServers: kafka:9093
                  tls: {}
                  authentication:
                    type: tls
                    username: alice
                    certificateAndKey: {secretName: u, certificate: user.crt, key: user.key}
                """);
        assertTrue(m.contains("tls authentication takes certificateAndKey only"), m);
        m = rejection("unknown-mechanism", """
                kafka:
                  bootstrapServers: kafka:9092
                  authentication: {type: gssapi, username: a, passwordSecret: {secretName: s, password: p}}
                """);
        assertTrue(m.contains("spec.kafka.authentication.type") && m.contains("Unsupported value"), m);
        m = rejection("both-cert-and-pattern", """
                kafka:
                  bootstrapServers: kafka:9093
                  tls: {trustedCertificates: [{secretName: ca, certificate: ca.crt, pattern: "*.crt"}]}
                """);
        assertTrue(m.contains("set certificate (one key of the Secret) or pattern"), m);
        m = rejection("bad-secret-name", """
                kafka:
                  bootstrapServers: kafka:9093
                  tls: {trustedCertificates: [{secretName: "Not_A_Name", certificate: ca.crt}]}
                """);
        assertTrue(m.contains("spec.kafka.tls.trustedCertificates[0].secretName") && m.contains("should match"), m);
    }

    @Test
    void aKafkaUserNeedsStrimziAndExcludesOtherCredentials() {
        String m = rejection("user-no-cluster", """
                kafka:
                  bootstrapServers: kafka:9092
                  topic: {management: Direct}
                  user: {managed: true}
                """);
        assertTrue(m.contains("spec.kafka.clusterName") && m.contains("user needs clusterName"), m);
        m = rejection("user-and-auth", """
                kafka:
                  clusterName: c
                  user: {managed: true}
                  authentication: {type: scram-sha-512, username: a, passwordSecret: {secretName: s, password: p}}
                """);
        assertTrue(m.contains("user and authentication exclude each other"), m);
        m = rejection("user-both", """
                kafka:
                  clusterName: c
                  user: {managed: true, name: existing}
                """);
        assertTrue(m.contains("set managed: true (the operator creates the KafkaUser) or name"), m);
        m = rejection("tls-user-no-tls", """
                kafka:
                  clusterName: c
                  user: {managed: true, authentication: tls}
                """);
        assertTrue(m.contains("a KafkaUser with tls authentication needs tls"), m);
    }
}
