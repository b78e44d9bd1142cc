package dev.interactiondemo.notifier;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.Certificates;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Host and the Worker on a secured Kafka (a real broker's SASL_SSL and SSL listeners, with ACLs), their security
 * read from files as the operator mounts them: they deliver everything, say on {@code /readyz} what Kafka refused,
 * and, since the files are read again on each new client, recover once a mounted Secret is put right.
 */
class SecuredKafkaTest {
    private static final String TOPIC = "secured-notifications";
    private static final String GROUP = "secured-workers";
    private static Certificates ca;
    private static LocalKafkaBroker kafka;
    private static Path files;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private static GreeterServer greeter;

    @BeforeAll
    static void start() throws Exception {
        ca = Certificates.newCa("notifier-test-ca");
        kafka = LocalKafkaBroker.builder().secured(ca.issueServer("localhost", List.of("localhost"), List.of()))
                .start();
        kafka.addScramUser("host", "host-pw");
        kafka.addScramUser("worker", "worker-pw");
        kafka.allow("User:host", ResourceType.TOPIC, TOPIC, AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow("User:worker", ResourceType.TOPIC, TOPIC, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow("User:worker", ResourceType.GROUP, GROUP, AclOperation.READ);
        kafka.allow("User:CN=mtls-worker", ResourceType.TOPIC, TOPIC, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow("User:CN=mtls-worker", ResourceType.GROUP, GROUP + "-mtls", AclOperation.READ);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        files = Files.createTempDirectory("notifier-secured");
        Files.writeString(files.resolve("ca.crt"), ca.caPem());
        Files.writeString(files.resolve("host-password"), "host-pw\n");
        Files.writeString(files.resolve("worker-password"), "worker-pw");
        Certificates.TlsMaterial client = ca.issueClient("mtls-worker");
        Files.writeString(files.resolve("tls.crt"), client.certificatePem());
        Files.writeString(files.resolve("tls.key"), client.privateKeyPem());
        greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
    }

    @AfterAll
    static void stop() {
        greeter.close();
        kafka.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static NotifierConfig config(String role, String bootstrap, String group, String... security) {
        List<String> args = new ArrayList<>(List.of(role, "--bootstrap-servers=" + bootstrap, "--topic=" + TOPIC,
                "--greeter-target=localhost:" + greeter.port(), "--group-id=" + group, "--rate=50", "--http-port=0",
                "--kafka-tls=true", "--kafka-tls-trusted-certificates=" + files.resolve("*.crt")));
        args.addAll(List.of(security));
        return NotifierConfig.from(args.toArray(String[]::new), Map.of());
    }

    private static String[] scram(String user, String passwordFile) {
        return new String[] {"--kafka-sasl-mechanism=SCRAM-SHA-512", "--kafka-sasl-username=" + user,
                "--kafka-sasl-password-file=" + files.resolve(passwordFile)};
    }

    private <T extends AutoCloseable> T closing(T t) {
        toClose.add(t);
        return t;
    }

    @Test
    void scramOverTlsDeliversEverythingWithLeastPrivilege() {
        String sasl = kafka.bootstrapServers(LocalKafkaBroker.SASL_SSL);
        NotificationWorker worker = closing(new NotificationWorker(config("worker", sasl, GROUP,
                scram("worker", "worker-password")), Metrics.newRegistry())).start();
        NotificationHost host = closing(new NotificationHost(config("host", sasl, GROUP,
                scram("host", "host-password")), Metrics.newRegistry())).start();
        Await.until("100 sent", () -> host.stats().sent() >= 100);
        host.close();
        long sent = host.stats().sent();
        Await.until("all consumed", () -> worker.stats().consumed() >= sent);
        assertEquals(0, worker.stats().lost());
        assertEquals(0, host.stats().sendFailures());
    }

    @Test
    void mutualTlsDelivers() {
        String ssl = kafka.bootstrapServers(LocalKafkaBroker.SSL);
        NotificationWorker worker = closing(new NotificationWorker(config("worker", ssl, GROUP + "-mtls",
                "--kafka-tls-certificate-file=" + files.resolve("tls.crt"),
                "--kafka-tls-key-file=" + files.resolve("tls.key")), Metrics.newRegistry())).start();
        NotificationHost host = closing(new NotificationHost(config("host", kafka.bootstrapServers(
                LocalKafkaBroker.SASL_SSL), GROUP, scram("host", "host-password")), Metrics.newRegistry())).start();
        Await.until("20 sent", () -> host.stats().sent() >= 20);
        host.close();
        long sent = host.stats().sent();
        // the Worker's group is new: it reads the topic from the start, other tests' notifications too
        Await.until("consumed over mutual TLS", () -> worker.stats().consumed() >= sent && worker.stats().producers() >= 1
                && worker.notReadyReason().isEmpty());
        assertEquals(0, worker.stats().lost());
    }

    @Test
    void aRefusedLoginIsSaidOnReadyzAndAFixedSecretIsPickedUp() throws IOException {
        Path password = files.resolve("changing-password");
        Files.writeString(password, "not-the-password");
        NotificationWorker worker = closing(new NotificationWorker(config("worker",
                kafka.bootstrapServers(LocalKafkaBroker.SASL_SSL), GROUP, scram("worker", "changing-password")),
                Metrics.newRegistry())).start();
        Await.until("the refusal on /readyz", () -> worker.notReadyReason().filter(r -> r.contains(
                "KafkaAuthenticationFailed") && r.contains("User:worker")).isPresent());
        Files.writeString(password, "worker-pw"); // as Kubernetes updates a mounted Secret in place
        Await.until("ready once the password is right", () -> worker.notReadyReason().isEmpty());
    }

    @Test
    void aMissingAclIsSaidOnReadyz() {
        NotificationHost host = closing(new NotificationHost(config("host",
                kafka.bootstrapServers(LocalKafkaBroker.SASL_SSL), GROUP, scram("worker", "worker-password")),
                Metrics.newRegistry())).start(); // the Worker's user may not write
        Await.until("the refusal on /readyz", () -> host.notReadyReason().filter(r -> r.contains(
                "KafkaAuthorizationFailed")).isPresent());
        assertEquals(0, host.stats().sent());
    }

    @Test
    void securitySettingsThatCannotWorkAreRefusedAtStartUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> NotifierConfig.from(new String[] {"worker",
                "--bootstrap-servers=localhost:1", "--kafka-sasl-mechanism=SCRAM-SHA-512",
                "--kafka-tls-certificate-file=/nowhere"}, Map.of()));
        String m = e.getMessage();
        assertTrue(m.contains("KAFKA_SASL_MECHANISM (--kafka-sasl-mechanism) SCRAM-SHA-512 needs"), m);
        assertTrue(m.contains("need KAFKA_TLS (--kafka-tls)=true"), m);
        e = assertThrows(ConfigException.class, () -> NotifierConfig.from(new String[] {"worker",
                "--bootstrap-servers=localhost:1", "--kafka-sasl-mechanism=GSSAPI"}, Map.of()));
        assertTrue(e.getMessage().contains("'GSSAPI' is not one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> NotifierConfig.from(new String[] {"worker",
                "--bootstrap-servers=localhost:1", "--kafka-tls=true",
                "--kafka-tls-trusted-certificates=" + files.resolve("*.none")}, Map.of()));
        assertTrue(e.getMessage().contains("no file matches the trusted certificates"), e.getMessage());
    }
}
