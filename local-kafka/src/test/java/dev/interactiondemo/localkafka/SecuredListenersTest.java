package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.testing.Await;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.interactiondemo.localkafka.LocalKafkaBroker.SASL_PLAINTEXT;
import static dev.interactiondemo.localkafka.LocalKafkaBroker.SASL_SSL;
import static dev.interactiondemo.localkafka.LocalKafkaBroker.SSL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One broker with the secured listeners for the whole class, and real clients against it: who gets in with which
 * credentials, and what the ACLs then let them do.
 */
class SecuredListenersTest {
    private static final Certificates CA = Certificates.newCa("local-kafka test CA");
    private static final Certificates OTHER_CA = Certificates.newCa("another CA");
    private static final String SCRAM_TOPIC = "scram-orders";
    private static final String SCRAM_GROUP = "scram-readers";
    private static final String MTLS_TOPIC = "mtls-orders";
    private static final String MTLS_GROUP = "mtls-readers";

    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startASecuredBroker() throws Exception {
        broker = LocalKafkaBroker.builder()
                .secured(CA.issueServer("local-kafka", List.of("localhost"), List.of("127.0.0.1")))
                .plainUser("paula", "paula \"quoted\" \\ secret")
                .start();
        try (Admin admin = Admin.create(config(broker.bootstrapServers(), Map.of()))) {
            admin.createTopics(List.of(new NewTopic(SCRAM_TOPIC, 1, (short) 1), new NewTopic(MTLS_TOPIC, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        broker.addScramUser("alice", "alice-secret");
        broker.addScramUser("bob", "bob-secret");
        broker.addScramUser("eve", "eve-secret");
        broker.allow("User:alice", ResourceType.TOPIC, SCRAM_TOPIC, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow("User:alice", ResourceType.TOPIC, SCRAM_TOPIC, AclOperation.READ);
        broker.allow("User:alice", ResourceType.GROUP, SCRAM_GROUP, AclOperation.READ);
        broker.allow("User:paula", ResourceType.TOPIC, SCRAM_TOPIC, AclOperation.WRITE);
        broker.allow("User:eve", ResourceType.TOPIC, SCRAM_TOPIC, AclOperation.READ);
        broker.allow("User:CN=carol", ResourceType.TOPIC, MTLS_TOPIC, AclOperation.WRITE, AclOperation.READ);
        broker.allow("User:CN=carol", ResourceType.GROUP, MTLS_GROUP, AclOperation.READ);
    }

    @AfterAll
    static void stopTheBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void scramSha512OverSaslSslProducesAndConsumesWhatItsAclsAllow() throws Exception {
        Map<String, Object> alice = sasl(SASL_SSL, "SCRAM-SHA-512", "alice", "alice-secret", CA.caPem());
        String value = "by alice " + UUID.randomUUID();
        produce(alice, SCRAM_TOPIC, value);
        assertTrue(consumes(alice, SCRAM_TOPIC, SCRAM_GROUP, value));
    }

    @Test
    void scramSha256AndPlainLogInWithAndWithoutTls() throws Exception {
        produce(sasl(SASL_SSL, "SCRAM-SHA-256", "alice", "alice-secret", CA.caPem()), SCRAM_TOPIC, "sha-256 over TLS");
        produce(sasl(SASL_PLAINTEXT, "SCRAM-SHA-256", "alice", "alice-secret", null), SCRAM_TOPIC, "sha-256");
        produce(sasl(SASL_PLAINTEXT, "SCRAM-SHA-512", "alice", "alice-secret", null), SCRAM_TOPIC, "sha-512");
        String paulasPassword = "paula \"quoted\" \\ secret";
        produce(sasl(SASL_SSL, "PLAIN", "paula", paulasPassword, CA.caPem()), SCRAM_TOPIC, "plain over TLS");
        produce(sasl(SASL_PLAINTEXT, "PLAIN", "paula", paulasPassword, null), SCRAM_TOPIC, "plain");
    }

    @Test
    void aMutualTlsClientIsTheDistinguishedNameOfItsCertificate() throws Exception {
        Map<String, Object> carol = mutualTls(CA.issueClient("carol"), CA.caPem());
        String value = "by carol " + UUID.randomUUID();
        produce(carol, MTLS_TOPIC, value);
        assertTrue(consumes(carol, MTLS_TOPIC, MTLS_GROUP, value));

        Map<String, Object> dave = withoutIdempotence(mutualTls(CA.issueClient("dave"), CA.caPem()));
        assertCause(TopicAuthorizationException.class, () -> produce(dave, MTLS_TOPIC, "by dave"));
        Map<String, Object> carolOfAnotherName =
                withoutIdempotence(mutualTls(CA.issueClient("carol.other"), CA.caPem()));
        assertCause(TopicAuthorizationException.class, () -> produce(carolOfAnotherName, MTLS_TOPIC, "by whom?"));
    }

    @Test
    void aWrongPasswordFailsSaslAuthentication() {
        for (String mechanism : List.of("SCRAM-SHA-512", "SCRAM-SHA-256")) {
            assertCause(SaslAuthenticationException.class,
                    () -> describeCluster(sasl(SASL_SSL, mechanism, "alice", "wrong", CA.caPem())));
        }
        assertCause(SaslAuthenticationException.class,
                () -> describeCluster(sasl(SASL_PLAINTEXT, "PLAIN", "paula", "wrong", null)));
        assertCause(SaslAuthenticationException.class,
                () -> describeCluster(sasl(SASL_PLAINTEXT, "SCRAM-SHA-512", "nobody", "secret", null)));
    }

    @Test
    void aClientThatTrustsAnotherCaFailsTheTlsHandshake() {
        assertCause(SslAuthenticationException.class,
                () -> describeCluster(sasl(SASL_SSL, "SCRAM-SHA-512", "alice", "alice-secret", OTHER_CA.caPem())));
        assertCause(SslAuthenticationException.class,
                () -> describeCluster(mutualTls(CA.issueClient("carol"), OTHER_CA.caPem())));
    }

    @Test
    void theSslListenerRefusesClientCertificatesOfAnotherCaAndClientsWithout() {
        assertCause(SslAuthenticationException.class,
                () -> describeCluster(mutualTls(OTHER_CA.issueClient("carol"), CA.caPem())));
        Map<String, Object> noCertificate = config(broker.bootstrapServers(SSL), Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SSL,
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM",
                SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, CA.caPem()));
        assertCause(SslAuthenticationException.class, () -> describeCluster(noCertificate));
    }

    @Test
    void withoutAnAclAUserMayNotUseATopicOrAGroup() {
        Map<String, Object> bob = sasl(SASL_SSL, "SCRAM-SHA-512", "bob", "bob-secret", CA.caPem());
        assertCause(TopicAuthorizationException.class, () -> produce(withoutIdempotence(bob), SCRAM_TOPIC, "by bob"));
        Map<String, Object> eve = sasl(SASL_SSL, "SCRAM-SHA-512", "eve", "eve-secret", CA.caPem());
        assertThrows(GroupAuthorizationException.class, () -> consumes(eve, SCRAM_TOPIC, "eves-group", "any"));
        assertCause(TopicAuthorizationException.class,
                () -> produce(withoutIdempotence(eve), SCRAM_TOPIC, "by eve, who may only read"));
    }

    @Test
    void thePlaintextListenerNeedsNoCredentials() throws Exception {
        Map<String, Object> anonymous = config(broker.bootstrapServers("PLAINTEXT"), Map.of());
        try (Admin admin = Admin.create(anonymous)) {
            admin.createTopics(List.of(new NewTopic("open", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertTrue(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).size() >= 9,
                    "the anonymous user may even read the ACLs");
        }
        produce(anonymous, "open", "by anyone");
        assertTrue(consumes(anonymous, "open", "anyones-group", "by anyone"));
        produce(anonymous, SCRAM_TOPIC, "by anyone, to a topic with ACLs");
    }

    @Test
    void eachListenerHasItsOwnPortOnTheAdvertisedHost() {
        List<String> addresses = new ArrayList<>();
        for (String listener : List.of("PLAINTEXT", SASL_SSL, SSL, SASL_PLAINTEXT)) {
            String address = broker.bootstrapServers(listener);
            assertTrue(address.startsWith("localhost:"), address);
            addresses.add(address);
        }
        assertEquals(4, addresses.stream().distinct().count(), addresses.toString());
        assertEquals("localhost:" + broker.listenerPort(SSL), broker.bootstrapServers(SSL));
        assertThrows(IllegalArgumentException.class, () -> broker.bootstrapServers("CONTROLLER"));
        assertThrows(IllegalStateException.class,
                () -> LocalKafkaBroker.builder().plainUser("paula", "secret").start());
        assertThrows(IllegalArgumentException.class, () -> LocalKafkaBroker.builder().securedPort("TLS", 9093));
        assertThrows(IllegalArgumentException.class, () -> LocalKafkaBroker.builder().extraListener(SSL, "h:1"));
    }

    /** A client of {@code listener} that logs in with {@code mechanism}; over TLS it trusts {@code trustedCaPem}. */
    private static Map<String, Object> sasl(String listener, String mechanism, String user, String password,
                                            String trustedCaPem) {
        String loginModule = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Map<String, Object> security = new HashMap<>(Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, listener,
                SaslConfigs.SASL_MECHANISM, mechanism,
                SaslConfigs.SASL_JAAS_CONFIG, loginModule + " required username=\"" + user + "\" password=\""
                        + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\";"));
        if (trustedCaPem != null) {
            security.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            security.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, trustedCaPem);
        }
        return config(broker.bootstrapServers(listener), security);
    }

    /** A client of the SSL listener that shows {@code client}'s certificate and trusts {@code trustedCaPem}. */
    private static Map<String, Object> mutualTls(Certificates.TlsMaterial client, String trustedCaPem) {
        return config(broker.bootstrapServers(SSL), Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SSL,
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM",
                SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, trustedCaPem,
                SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM",
                SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, client.certificatePem(),
                SslConfigs.SSL_KEYSTORE_KEY_CONFIG, client.privateKeyPem()));
    }

    /** {@code security} and short timeouts, so that a refused client fails in seconds rather than a minute. */
    private static Map<String, Object> config(String bootstrapServers, Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return config;
    }

    /**
     * {@code config} for a producer that is not idempotent, so that a refusal is the topic's. An idempotent producer
     * (the default) also asks for a producer id, which takes WRITE on some topic or IDEMPOTENT_WRITE on the cluster:
     * a user with neither may be refused that first, with a ClusterAuthorizationException.
     */
    private static Map<String, Object> withoutIdempotence(Map<String, Object> config) {
        Map<String, Object> producerConfig = new HashMap<>(config);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        return producerConfig;
    }

    private static void describeCluster(Map<String, Object> config) throws Exception {
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
        }
    }

    private static void produce(Map<String, Object> config, String topic, String value) throws Exception {
        Map<String, Object> producerConfig = new HashMap<>(config);
        producerConfig.remove(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(20, TimeUnit.SECONDS);
        }
    }

    /** Whether a consumer of {@code group} sees {@code value} in {@code topic} (read from its start) within 15 s. */
    private static boolean consumes(Map<String, Object> config, String topic, String group, String value) {
        Map<String, Object> consumerConfig = new HashMap<>(config);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            // Each poll waits up to 500 ms for records itself; the consumer is used from this thread only. What a
            // poll throws (a refusal) ends the wait at once, and is what this method throws.
            Await.until(value + " in " + topic, () -> {
                try {
                    for (var record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value().equals(value)) {
                            return true;
                        }
                    }
                    return false;
                } catch (KafkaException refused) {
                    throw new Refused(refused);
                }
            }, Duration.ofSeconds(15), Duration.ZERO);
            return true;
        } catch (Refused e) {
            throw e.refusal;
        } catch (AssertionError timedOut) {
            return false;
        }
    }

    /** A poll's refusal, carried out of the wait as an AssertionError, which ends it at once. */
    private static final class Refused extends AssertionError {
        final KafkaException refusal;

        Refused(KafkaException refusal) {
            super(refusal);
            this.refusal = refusal;
        }
    }

    /** What a client does fails with {@code expected}: as such or as the cause of an {@link ExecutionException}. */
    private static void assertCause(Class<? extends Exception> expected, ClientCall call) {
        Exception e = assertThrows(Exception.class, call::run);
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        assertInstanceOf(expected, cause, () -> "expected " + expected.getSimpleName() + ", not " + e);
    }

    private interface ClientCall {
        void run() throws Exception;
    }
}
