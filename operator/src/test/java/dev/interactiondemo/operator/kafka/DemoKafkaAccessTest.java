package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.spec.KafkaAuthenticationType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A demo's Kafka access with its defaults: what the readings, the Host and the Worker all use. */
class DemoKafkaAccessTest {
    private static InteractionDemo demo(String kafka) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata: {name: hello, namespace: demo}
                spec:
                  kafka: %s
                """.formatted(kafka), InteractionDemo.class);
    }

    @Test
    void plaintextNeedsNothing() {
        DemoKafkaAccess a = DemoKafkaAccess.of(demo("{bootstrapServers: 'kafka:9092'}"));
        assertFalse(a.secured());
        assertEquals(Set.of(), a.secretNames());
    }

    @Test
    void tlsWithAStrimziClusterTrustsItsClusterCaAndUsesItsTlsPort() {
        InteractionDemo d = demo("{clusterName: my-cluster, tls: {}}");
        DemoKafkaAccess a = DemoKafkaAccess.of(d);
        assertTrue(a.tls());
        assertEquals("my-cluster-cluster-ca-cert", a.trusted().get(0).getSecretName());
        assertEquals("ca.crt", a.trusted().get(0).getCertificate());
        assertEquals("my-cluster-kafka-bootstrap.demo.svc:9093", dev.interactiondemo.api.Names.bootstrapServers(d));
        assertEquals(List.of(), DemoKafkaAccess.of(demo("{bootstrapServers: 'k:9093', tls: {}}")).trusted(),
                "no cluster: the JVM's default trust (a managed Kafka with a public certificate)");
    }

    @Test
    void aManagedScramUserBecomesItsSecret() {
        DemoKafkaAccess a = DemoKafkaAccess.of(demo("{clusterName: c, user: {managed: true}}"));
        assertEquals(KafkaAuthenticationType.SCRAM_SHA_512, a.type());
        assertEquals("hello-user", a.username());
        assertEquals("hello-user", a.password().getSecretName());
        assertEquals("password", a.password().getPassword());
        assertTrue(a.managedUser());
        assertEquals(Set.of("hello-user"), a.secretNames());
    }

    @Test
    void anExistingTlsUserBecomesItsCertificateAndKey() {
        DemoKafkaAccess a = DemoKafkaAccess.of(demo("{clusterName: c, tls: {}, user: {name: team-a, authentication: tls}}"));
        assertEquals(KafkaAuthenticationType.TLS, a.type());
        assertNull(a.username());
        assertEquals("team-a", a.certificateAndKey().getSecretName());
        assertEquals("user.crt", a.certificateAndKey().getCertificate());
        assertEquals("user.key", a.certificateAndKey().getKey());
        assertFalse(a.managedUser());
        assertEquals(List.of("c-cluster-ca-cert", "team-a"), List.copyOf(a.secretNames()));
    }

    @Test
    void explicitAuthenticationIsTakenAsGiven() {
        DemoKafkaAccess a = DemoKafkaAccess.of(demo("""
                {bootstrapServers: 'k:9095', authentication: {type: plain, username: bob,
                 passwordSecret: {secretName: bob-secret, password: pw}}}"""));
        assertFalse(a.tls());
        assertEquals("PLAIN", a.type().saslMechanism());
        assertEquals("bob", a.username());
        assertEquals(Set.of("bob-secret"), a.secretNames());
    }
}
