package dev.interactiondemo.notifier;

import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.interactiondemo.notifier.PipelineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notifier program as users run it: a separate JVM, configured by environment, stopped with SIGTERM. */
class NotifierMainTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void badConfigurationExitsWithStatus2AndNamesTheValue() throws Exception {
        Path out = Files.createTempFile("notifier", ".out");
        try {
            Process p = launch(Map.of("NOTIFIER_RATE", "lots", "KAFKA_BOOTSTRAP_SERVERS", "k:9092"), out, "host");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue());
            String text = Files.readString(out);
            assertTrue(text.contains("NOTIFIER_RATE (--rate): 'lots' is not a number"), text);
            assertTrue(text.contains("GREETER_TARGET (--greeter-target) is required"), text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void theWorkerIsReadyWhenConnectedAndLeavesItsGroupOnSigterm() throws Exception {
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        String topic = "main-test";
        String group = "main-test-workers";
        int port = freePort();
        Path out = Files.createTempFile("notifier", ".out");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Process p = launch(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "NOTIFIER_TOPIC", topic,
                    "NOTIFIER_GROUP_ID", group, "NOTIFIER_HTTP_PORT", String.valueOf(port)), out, "worker");
            try {
                await("ready", () -> status(port, "/readyz") == 200, Duration.ofSeconds(60));
                await("joined the group", () -> members(admin, group) == 1, Duration.ofSeconds(30));
                String metrics = get(port, "/metrics").body();
                assertTrue(metrics.contains("notifier_consumed_total{role=\"worker\"} 0.0"), metrics);
                assertEquals(200, status(port, "/healthz"));

                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the Worker exits after SIGTERM");
                // It left the group itself: no member lingers until a session timeout.
                assertEquals(0, members(admin, group));
                assertTrue(Files.readString(out).contains("Worker stopped"), Files.readString(out));
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int members(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return d.members().size();
        } catch (Exception e) {
            return -1;
        }
    }

    private int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Process launch(Map<String, String> env, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NotifierMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("NOTIFIER_") || k.startsWith("KAFKA_") || k.startsWith("GREETER_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
