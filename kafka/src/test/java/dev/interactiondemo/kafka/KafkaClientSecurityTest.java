package dev.interactiondemo.kafka;

import dev.interactiondemo.localkafka.Certificates;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client settings for secured Kafka, and the address check over TLS against a real broker's TLS listeners: a
 * trusted broker answers as Kafka; an untrusted one, a listener without TLS, a certificate for another name and a
 * refused client certificate are each told apart, before any Kafka client is made.
 */
class KafkaClientSecurityTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static Certificates ca;
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void start() {
        ca = Certificates.newCa("check-ca");
        // Named localhost only: a client that connects to 127.0.0.1 must refuse it.
        broker = LocalKafkaBroker.builder().secured(ca.issueServer("localhost", List.of("localhost"), List.of()))
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static KafkaClientSecurity scram(String trusted) {
        return new KafkaClientSecurity(true, "SCRAM-SHA-512", "alice", "pa\"ss\\word", trusted, null, null);
    }

    @Test
    void scramOverTlsBecomesKafkaClientSettingsWithTheSecretsQuoted() {
        Map<String, Object> p = scram(ca.caPem()).clientProperties();
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
                + "password=\"pa\\\"ss\\\\word\";", p.get("sasl.jaas.config"));
        assertEquals("PEM", p.get("ssl.truststore.type"));
        assertEquals(ca.caPem(), p.get("ssl.truststore.certificates"));
        assertEquals(Map.of("security.protocol", "PLAINTEXT"), KafkaClientSecurity.NONE.clientProperties());
        var plain = new KafkaClientSecurity(false, "PLAIN", "bob", "pw", null, null, null).clientProperties();
        assertEquals("SASL_PLAINTEXT", plain.get("security.protocol"));
        assertTrue(((String) plain.get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.plain."));
    }

    @Test
    void mutualTlsBecomesAPemKeyStore() {
        Certificates.TlsMaterial client = ca.issueClient("carol");
        var s = new KafkaClientSecurity(true, null, null, null, ca.caPem(), client.certificatePem(),
                client.privateKeyPem());
        assertEquals("SSL", s.protocol());
        assertEquals("PEM", s.clientProperties().get("ssl.keystore.type"));
        assertEquals(client.privateKeyPem(), s.clientProperties().get("ssl.keystore.key"));
        s.validate("ca", "cert", "key");
    }

    @Test
    void whatDoesNotGoTogetherIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KafkaClientSecurity(false, "GSSAPI", "a", "b", null,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new KafkaClientSecurity(false, "PLAIN", "a", "", null,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new KafkaClientSecurity(false, null, null, null, null,
                "cert", "key"), "a client certificate without TLS");
        assertThrows(IllegalArgumentException.class, () -> new KafkaClientSecurity(true, null, null, null, null,
                "cert", null), "a certificate without its key");
    }

    @Test
    void noSecretIsEverInItsWords() {
        Certificates.TlsMaterial client = ca.issueClient("carol");
        String words = scram(ca.caPem()) + " / " + new KafkaClientSecurity(true, null, null, null, null,
                client.certificatePem(), client.privateKeyPem());
        assertFalse(words.contains("pa\"ss") || words.contains("PRIVATE KEY"), words);
        assertTrue(words.contains("SASL_SSL SCRAM-SHA-512 as alice"), words);
    }

    @Test
    void unusableMaterialIsNamedWithWhereItCameFrom() {
        var noCertificate = new KafkaClientSecurity(true, null, null, null, "not a certificate", null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> noCertificate.validate("Secret ca, key ca.crt", "", ""));
        assertTrue(e.getMessage().contains("Secret ca, key ca.crt holds no PEM certificate"), e.getMessage());
        Certificates.TlsMaterial client = ca.issueClient("carol");
        var pkcs1 = new KafkaClientSecurity(true, null, null, null, null, client.certificatePem(),
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        e = assertThrows(IllegalArgumentException.class, () -> pkcs1.validate("", "cert", "Secret u, key user.key"));
        assertTrue(e.getMessage().contains("Secret u, key user.key holds no usable private key: the key must be "
                + "PKCS#8 PEM"), e.getMessage());
        assertEquals("pw", KafkaClientSecurity.secretText("pw\n"));
        assertEquals("pw", KafkaClientSecurity.secretText("pw\r\n"));
        assertEquals("pw\n", KafkaClientSecurity.secretText("pw\n\n"), "only one line break is taken");
    }

    @Test
    void aTrustedTlsListenerAnswersAsKafka() {
        var r = KafkaAddressCheck.checkAll(broker.bootstrapServers(LocalKafkaBroker.SASL_SSL), DEADLINE,
                scram(ca.caPem()));
        assertTrue(r.isKafka(), r.message());
    }

    @Test
    void aBrokerSignedByAnotherCaIsNotTrusted() {
        var r = KafkaAddressCheck.checkAll(broker.bootstrapServers(LocalKafkaBroker.SASL_SSL), DEADLINE,
                scram(Certificates.newCa("another").caPem()));
        assertEquals(KafkaAddressCheck.Verdict.TLS_FAILED, r.verdict());
        assertTrue(r.message().contains("not signed by a trusted CA"), r.message());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        String byIp = "127.0.0.1:" + broker.listenerPort(LocalKafkaBroker.SASL_SSL);
        var r = KafkaAddressCheck.checkAll(byIp, DEADLINE, scram(ca.caPem()));
        assertEquals(KafkaAddressCheck.Verdict.TLS_FAILED, r.verdict());
        assertTrue(r.message().contains("does not name this address"), r.message());
    }

    @Test
    void tlsAndPlaintextListenersAreToldApart() {
        var plaintextToTls = KafkaAddressCheck.checkAll(broker.bootstrapServers(LocalKafkaBroker.SASL_SSL), DEADLINE);
        assertEquals(KafkaAddressCheck.Verdict.NOT_KAFKA, plaintextToTls.verdict());
        assertTrue(plaintextToTls.message().contains("speaks TLS"), plaintextToTls.message());
        var tlsToPlaintext = KafkaAddressCheck.checkAll(broker.bootstrapServers(), DEADLINE, scram(ca.caPem()));
        assertEquals(KafkaAddressCheck.Verdict.TLS_FAILED, tlsToPlaintext.verdict());
        assertTrue(tlsToPlaintext.message().contains("does not speak TLS")
                || tlsToPlaintext.message().contains("closed the connection"), tlsToPlaintext.message());
    }

    @Test
    void aMutualTlsListenerWantsAClientCertificateOfItsCa() {
        String ssl = broker.bootstrapServers(LocalKafkaBroker.SSL);
        var without = KafkaAddressCheck.checkAll(ssl, DEADLINE, new KafkaClientSecurity(true, null, null, null,
                ca.caPem(), null, null));
        assertEquals(KafkaAddressCheck.Verdict.TLS_FAILED, without.verdict(), without.message());
        Certificates.TlsMaterial client = ca.issueClient("carol");
        var with = KafkaAddressCheck.checkAll(ssl, DEADLINE, new KafkaClientSecurity(true, null, null, null,
                ca.caPem(), client.certificatePem(), client.privateKeyPem()));
        assertTrue(with.isKafka(), with.message());
        Certificates.TlsMaterial foreign = Certificates.newCa("another").issueClient("carol");
        var refused = KafkaAddressCheck.checkAll(ssl, DEADLINE, new KafkaClientSecurity(true, null, null, null,
                ca.caPem(), foreign.certificatePem(), foreign.privateKeyPem()));
        assertEquals(KafkaAddressCheck.Verdict.TLS_FAILED, refused.verdict(), refused.message());
    }
}
