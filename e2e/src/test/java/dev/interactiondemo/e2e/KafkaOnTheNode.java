package dev.interactiondemo.e2e;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.localkafka.Certificates;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The suite's Kafka: a single-node KRaft broker as a pod (the local-kafka image), since Strimzi's images cannot be
 * pulled here. PLAINTEXT on 9092 is open to all (every lesson but the secured one uses it); with
 * {@code BROKER_TLS_DIR} the broker also has its secured listeners (SASL_SSL on 9093, SSL on 9094, SASL_PLAINTEXT on
 * 9095) with ACLs, for
 * {@link InteractionDemoE2ETest#aDemoOnSecuredKafkaLogsInWithScramOverTlsAndAWrongPasswordIsNamed}: a CA made here
 * signs the broker's certificate, which names the address the broker advertises ({@code kafka.<ns>.svc}) and the
 * Service's other names; the users and ACL files give the secured demo's user what a Direct-mode demo needs on its
 * own topic and group, nothing else.
 */
final class KafkaOnTheNode {
    /** The namespace of the secured-Kafka scenario (watched once the chart watches every namespace). */
    static final String SECURED = "idemo-e2e-secured";
    /** The SCRAM user of the secured demo; its password is made for the run, and only ever in Secrets. */
    static final String SECURE_USER = "secure-demo";
    static final String SECURE_PASSWORD = randomHex(18);
    /** The secured listener with TLS and SASL (LocalKafkaMain's BROKER_SASL_SSL_PORT). */
    static final int SASL_SSL_PORT = 9093;
    /** The secured demo: its user, and its topic and group in the ACLs. */
    static final String SECURE_DEMO = "secure";
    /** The CA of the broker's certificate, made for the run; the secured demo trusts it. */
    static final Certificates CA = Certificates.newCa("interaction-demo e2e CA");

    private KafkaOnTheNode() {
    }

    /** The broker in {@code namespace}, of the local-kafka image of {@code version}, started and Ready. */
    static void start(ClusterAccess cluster, String namespace, String version) {
        KubernetesClient client = cluster.client();
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "kafka");
        String advertised = "kafka." + namespace + ".svc";
        Certificates.TlsMaterial server = CA.issueServer(advertised, List.of(advertised, advertised + ".cluster.local",
                "kafka." + namespace, "kafka", "localhost"), List.of("127.0.0.1"));
        Map<String, String> tls = Map.of("tls.crt", server.certificatePem(), "tls.key", server.privateKeyPem(),
                "ca.crt", server.caPem());
        String topic = SECURED + "." + SECURE_DEMO + "-notifications";
        String group = SECURED + "." + SECURE_DEMO + "-workers";
        Map<String, String> access = Map.of(
                "users", SECURE_USER + ":" + SECURE_PASSWORD + "\n",
                "acls", String.join("\n",
                        "# " + SECURE_DEMO + " in " + SECURED + ": Direct topic management (the operator creates,",
                        "# grows, describes and deletes the topic), the Host writes, the Workers read and commit.",
                        "User:" + SECURE_USER + " topic:" + topic + " Create,Describe,Write,Read,Alter,Delete",
                        "User:" + SECURE_USER + " group:" + group + " Read,Describe",
                        ""));
        cluster.secret(namespace, "kafka-tls", "kubernetes.io/tls", tls);
        cluster.secret(namespace, "kafka-access", "Opaque", access);
        // 9095 too: the broker checks its SCRAM users' logins on SASL_PLAINTEXT at its advertised address.
        client.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata().withName("kafka")
                .endMetadata().withNewSpec().withSelector(labels)
                .addNewPort().withName("kafka").withPort(9092).withTargetPort(new IntOrString(9092)).endPort()
                .addNewPort().withName("sasl-ssl").withPort(SASL_SSL_PORT)
                .withTargetPort(new IntOrString(SASL_SSL_PORT)).endPort()
                .addNewPort().withName("ssl").withPort(9094).withTargetPort(new IntOrString(9094)).endPort()
                .addNewPort().withName("sasl-plaintext").withPort(9095).withTargetPort(new IntOrString(9095)).endPort()
                .endSpec().build()).serverSideApply();
        // A changed certificate or access file (a kept cluster, a new run) restarts the broker: it reads them at start.
        String checksum = sha256(new TreeMap<>(tls) + "|" + new TreeMap<>(access));
        client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withName("kafka").withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels)
                .addToAnnotations("e2e.interactiondemo.dev/secrets-checksum", checksum).endMetadata()
                .withNewSpec()
                .withEnableServiceLinks(false)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withFsGroup(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("kafka").withImage("interactiondemo/local-kafka:" + version)
                .withImagePullPolicy("IfNotPresent")
                .addNewEnv().withName("BROKER_ADVERTISED_HOST").withValue(advertised).endEnv()
                .addNewEnv().withName("BROKER_TLS_DIR").withValue("/etc/kafka/tls").endEnv()
                .addNewEnv().withName("BROKER_USERS_FILE").withValue("/etc/kafka/access/users").endEnv()
                .addNewEnv().withName("BROKER_ACLS_FILE").withValue("/etc/kafka/access/acls").endEnv()
                .addNewPort().withContainerPort(9092).withName("kafka").endPort()
                .addNewPort().withContainerPort(SASL_SSL_PORT).withName("sasl-ssl").endPort()
                .addNewPort().withContainerPort(9094).withName("ssl").endPort()
                .addNewPort().withContainerPort(9095).withName("sasl-plaintext").endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(9092)).endTcpSocket()
                .withPeriodSeconds(3).endReadinessProbe()
                .withNewResources().addToRequests("memory", new Quantity("768Mi"))
                .addToLimits("memory", new Quantity("1536Mi")).endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .addNewVolumeMount().withName("tls").withMountPath("/etc/kafka/tls").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("access").withMountPath("/etc/kafka/access").withReadOnly(true)
                .endVolumeMount()
                .endContainer()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("tls").withNewSecret().withSecretName("kafka-tls").withDefaultMode(0440)
                .endSecret().endVolume()
                .addNewVolume().withName("access").withNewSecret().withSecretName("kafka-access")
                .withDefaultMode(0440).endSecret().endVolume()
                .endSpec().endTemplate().endSpec().build()).serverSideApply();
        client.apps().deployments().inNamespace(namespace).withName("kafka").waitUntilReady(5, TimeUnit.MINUTES);
    }

    /** A Direct-mode demo on the secured listener, trusting the run's CA, with its own password Secret. */
    static void securedDemo(KubernetesClient client, String name, String bootstrap, String more) {
        client.resources(InteractionDemo.class).inNamespace(SECURED).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic: {management: Direct, partitions: 2}
                    tls:
                      trustedCertificates: [{secretName: kafka-ca, certificate: ca.crt}]
                    authentication:
                      type: scram-sha-512
                      username: %s
                      passwordSecret: {secretName: %s-kafka-password, password: password}
                  %s
                """.formatted(name, bootstrap, SECURE_USER, name, more), InteractionDemo.class)).serverSideApply();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
