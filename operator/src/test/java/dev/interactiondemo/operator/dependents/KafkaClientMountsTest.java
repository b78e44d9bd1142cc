package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the Host's and the Worker's pods get the demo's Kafka security: files from Secrets, never a secret inline. */
class KafkaClientMountsTest {
    private static final OperatorConfig CONFIG = OperatorConfig.from(new String[0], Map.of());

    private static InteractionDemo demo(String kafka) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata: {name: hello, namespace: demo}
                spec:
                  kafka: %s
                """.formatted(kafka), InteractionDemo.class);
    }

    private static Map<String, String> env(PodSpec pod) {
        return pod.getContainers().get(0).getEnv().stream().collect(Collectors.toMap(EnvVar::getName,
                e -> e.getValue() == null ? "<from " + e.getValueFrom() + ">" : e.getValue()));
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void scramOverTlsMountsTheCaAndThePasswordAndNamesOnlyTheirFiles() {
        InteractionDemo d = demo("""
                {bootstrapServers: 'kafka:9093', tls: {trustedCertificates: [{secretName: ca, certificate: cluster.pem},
                 {secretName: more, pattern: '*.crt'}]}, authentication: {type: scram-sha-512, username: alice,
                 passwordSecret: {secretName: alice-secret, password: pw}}}""");
        for (PodSpec pod : new PodSpec[] {new HostDeployment(CONFIG).desired(d, null).getSpec().getTemplate().getSpec(),
                new WorkerDeployment(CONFIG).desired(d, null).getSpec().getTemplate().getSpec()}) {
            Map<String, String> env = env(pod);
            assertEquals("true", env.get("KAFKA_TLS"));
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"));
            assertEquals("alice", env.get("KAFKA_SASL_USERNAME"));
            assertEquals("/etc/interaction-demo/kafka/password/password", env.get("KAFKA_SASL_PASSWORD_FILE"));
            assertEquals("/etc/interaction-demo/kafka/trust-0/ca.crt,/etc/interaction-demo/kafka/trust-1/*.crt",
                    env.get("KAFKA_TLS_TRUSTED_CERTIFICATES"));
            Volume password = volume(pod, "kafka-password");
            assertEquals("alice-secret", password.getSecret().getSecretName());
            assertEquals("pw", password.getSecret().getItems().get(0).getKey(), "only the password's key is mounted");
            assertEquals(0440, password.getSecret().getDefaultMode());
            assertEquals("cluster.pem", volume(pod, "kafka-trust-0").getSecret().getItems().get(0).getKey());
            assertEquals(null, volume(pod, "kafka-trust-1").getSecret().getItems(), "a pattern mounts the Secret");
            assertTrue(pod.getContainers().get(0).getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().startsWith("/etc/interaction-demo/kafka"))
                    .allMatch(m -> Boolean.TRUE.equals(m.getReadOnly())));
            assertFalse(env.values().stream().anyMatch(v -> v.startsWith("<from")), "no secret in a variable");
        }
    }

    @Test
    void aManagedTlsUserMountsItsCertificateAndKey() {
        InteractionDemo d = demo("{clusterName: c, tls: {}, user: {managed: true, authentication: tls}}");
        PodSpec pod = new HostDeployment(CONFIG).desired(d, null).getSpec().getTemplate().getSpec();
        Map<String, String> env = env(pod);
        assertEquals("/etc/interaction-demo/kafka/client/tls.crt", env.get("KAFKA_TLS_CERTIFICATE_FILE"));
        assertEquals("/etc/interaction-demo/kafka/client/tls.key", env.get("KAFKA_TLS_KEY_FILE"));
        assertEquals("c-kafka-bootstrap.demo.svc:9093", env.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertFalse(env.containsKey("KAFKA_SASL_MECHANISM"));
        Volume client = volume(pod, "kafka-client-certificate");
        assertEquals("hello-user", client.getSecret().getSecretName());
        assertEquals("c-cluster-ca-cert", volume(pod, "kafka-trust-0").getSecret().getSecretName());
    }

    @Test
    void plaintextAddsNothing() {
        PodSpec pod = new WorkerDeployment(CONFIG).desired(demo("{bootstrapServers: 'kafka:9092'}"), null).getSpec()
                .getTemplate().getSpec();
        assertEquals(1, pod.getVolumes().size(), "only /tmp");
        assertFalse(env(pod).containsKey("KAFKA_TLS"));
    }
}
