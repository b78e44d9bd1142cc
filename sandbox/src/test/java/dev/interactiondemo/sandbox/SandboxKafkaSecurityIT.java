package dev.interactiondemo.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code --kafka-security scram} and {@code mtls}, the jar run as users run it, against the real broker's secured
 * listeners with real TLS: the Host and the Worker get only the secured listener's address and their own files, and
 * messages go end to end with none lost; each user may do only what its part does (the Worker's may not write, the
 * Host's may not read the Workers' group); the files are private while the run lasts and gone when it ends, by
 * {@code --duration} or by SIGTERM (Ctrl-C); no password is ever printed; the page's controls name the security and
 * refuse the cut.
 */
class SandboxKafkaSecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FILES = Pattern.compile("their files in (\\S+) until exit");
    private static final Pattern LISTENER = Pattern.compile("the Host and the Workers on (SASL_SSL|SSL) (localhost:\\d+)");
    private static final Pattern WEB = Pattern.compile("web page at (http://localhost:\\d+/)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Process sandbox;
    private Path out;
    private Path err;

    @AfterEach
    void stop() throws Exception {
        if (sandbox != null && sandbox.isAlive()) {
            sandbox.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (Path p : new Path[] {out, err}) {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What the start-up lines say: the clients' files, the secured listener, the page. */
    private record Started(Path dir, String listener, String bootstrap, String page) {
    }

    private Started start(String... args) throws Exception {
        out = Files.createTempFile("sandbox-security", ".out");
        err = Files.createTempFile("sandbox-security", ".err");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("sandbox.jar"), "--rate", "20", "--output", "json", "--interval", "1s",
                "--greeter-port", "0", "--web-port", "0"));
        cmd.addAll(List.of(args));
        sandbox = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return Await.value("the sandbox's start-up lines (credentials, listener, page)", () -> {
                    String log = Files.readString(err);
                    Matcher files = FILES.matcher(log);
                    Matcher listener = LISTENER.matcher(log);
                    Matcher web = WEB.matcher(log);
                    if (files.find() && listener.find() && web.find()) {
                        return Optional.of(new Started(Path.of(files.group(1)), listener.group(1), listener.group(2),
                                web.group(1)));
                    }
                    if (!sandbox.isAlive()) {
                        fail("the sandbox ended before it started (exit " + sandbox.exitValue() + "):\n" + log);
                    }
                    return Optional.<Started>empty();
                }, Duration.ofSeconds(120), Duration.ofMillis(200));
    }

    private int awaitExit() throws Exception {
        if (!sandbox.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the sandbox did not finish:\n" + Files.readString(err));
        }
        return sandbox.exitValue();
    }

    private List<JsonNode> statuses() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            all.add(JSON.readTree(line));
        }
        return all;
    }

    /** The directory is the user's alone, and so is every file in it. */
    private static void assertPrivate(Path dir, List<String> expected) throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(expected, names);
        for (String name : names) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))),
                    name);
        }
    }

    private static Map<String, Object> clientConfig(String bootstrap, KafkaClientSecurity security) {
        Map<String, Object> config = new HashMap<>(security.clientProperties());
        config.put("bootstrap.servers", bootstrap);
        config.put("client.id", "sandbox-security-it");
        return config;
    }

    /** {@code security} may not write to the topic: Kafka says it is not authorized. */
    private static void assertCannotWrite(String bootstrap, KafkaClientSecurity security) {
        Map<String, Object> config = clientConfig(bootstrap, security);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> producer.send(
                    new ProducerRecord<>(Sandbox.TOPIC, "intruder")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(AuthorizationException.class, e.getCause(), e.toString());
        }
    }

    /** {@code security} may not consume in the Workers' group: Kafka says it is not authorized. */
    private static void assertCannotConsume(String bootstrap, KafkaClientSecurity security) {
        Map<String, Object> config = clientConfig(bootstrap, security);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, Sandbox.GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Sandbox.TOPIC));
            // Polls (each up to a second) until Kafka refuses; the consumer stays on this thread.
            Await.until("the consumer refused", () -> {
                try {
                    consumer.poll(Duration.ofSeconds(1));
                    return false;
                } catch (AuthorizationException expected) {
                    return true;
                }
            }, Duration.ofSeconds(30), Duration.ofMillis(10));
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Messages went end to end, rising over the run; all drained at the end, none lost; the page says how. */
    private void assertFlowed(int exit, String security) throws Exception {
        String log = Files.readString(err);
        assertEquals(0, exit, log);
        List<JsonNode> all = statuses();
        assertTrue(all.size() >= 4, "statuses: " + all.size());
        long firstProduced = all.get(0).get("messages").get("produced").asLong();
        long firstConsumed = all.get(0).get("messages").get("consumed").asLong();
        JsonNode last = all.get(all.size() - 1);
        JsonNode m = last.get("messages");
        assertTrue(m.get("produced").asLong() > firstProduced + 20, "produced rose: " + firstProduced + " -> " + m);
        assertTrue(m.get("consumed").asLong() > firstConsumed + 20, "consumed rose: " + firstConsumed + " -> " + m);
        assertEquals(m.get("produced").asLong(), m.get("consumed").asLong(), "drained: " + m);
        assertEquals(0, m.get("lag").asLong());
        assertEquals(0, last.get("delivery").get("lost").asLong(), last.toString());
        assertTrue(log.contains("sandbox: OK:"), log);
        assertTrue(log.contains("security " + security + ":"), log);
    }

    @Test
    void scramOverTlsCarriesTheLessonWithLeastPrivilege() throws Exception {
        Started s = start("--duration", "10s", "--kafka-security", "scram");
        assertEquals("SASL_SSL", s.listener());
        assertPrivate(s.dir(), List.of("ca.crt", "sandbox-host.password", "sandbox-worker.password"));
        String ca = Files.readString(s.dir().resolve("ca.crt"));
        String hostPassword = Files.readString(s.dir().resolve("sandbox-host.password"));
        String workerPassword = Files.readString(s.dir().resolve("sandbox-worker.password"));
        assertCannotWrite(s.bootstrap(), new KafkaClientSecurity(true, "SCRAM-SHA-512", "sandbox-worker",
                workerPassword, ca, null, null));
        assertCannotConsume(s.bootstrap(), new KafkaClientSecurity(true, "SCRAM-SHA-512", "sandbox-host",
                hostPassword, ca, null, null));

        JsonNode controls = get(s.page() + "api/history").get("controls");
        assertEquals("scram", controls.get("kafkaSecurity").asText());
        assertEquals("SASL_SSL " + s.bootstrap(), controls.get("kafkaSecuredListener").asText());
        HttpResponse<String> cut = post(s.page() + "api/faults", "{\"name\": \"kafka.cutHost\", \"value\": \"true\"}");
        assertEquals(400, cut.statusCode(), cut.body());
        assertTrue(cut.body().contains("kafka.cutHost needs SANDBOX_KAFKA_SECURITY (--kafka-security)=none"),
                cut.body());

        assertFlowed(awaitExit(), "scram");
        assertFalse(Files.exists(s.dir()), "the credentials were removed: " + s.dir());
        String printed = Files.readString(out) + Files.readString(err);
        assertFalse(printed.contains(hostPassword) || printed.contains(workerPassword), "a password was printed");
    }

    @Test
    void mutualTlsCarriesTheLessonAndSigtermRemovesTheFiles() throws Exception {
        Started s = start("--kafka-security=mtls"); // until stopped, as with Ctrl-C
        assertEquals("SSL", s.listener());
        assertPrivate(s.dir(), List.of("ca.crt", "sandbox-host.crt", "sandbox-host.key", "sandbox-worker.crt",
                "sandbox-worker.key"));
        String ca = Files.readString(s.dir().resolve("ca.crt"));
        assertCannotWrite(s.bootstrap(), new KafkaClientSecurity(true, null, null, null, ca,
                Files.readString(s.dir().resolve("sandbox-worker.crt")),
                Files.readString(s.dir().resolve("sandbox-worker.key"))));
        assertCannotConsume(s.bootstrap(), new KafkaClientSecurity(true, null, null, null, ca,
                Files.readString(s.dir().resolve("sandbox-host.crt")),
                Files.readString(s.dir().resolve("sandbox-host.key"))));
        assertEquals("mtls", get(s.page() + "api/history").get("controls").get("kafkaSecurity").asText());

        // Six statuses, the last with more than 60 consumed (a status line being written is read again).
        Await.until("six statuses and more than 60 consumed", () -> {
            List<JsonNode> all = statuses();
            return all.size() >= 6 && all.get(all.size() - 1).get("messages").get("consumed").asLong() > 60;
        }, Duration.ofSeconds(60), Duration.ofMillis(500));
        sandbox.destroy(); // SIGTERM: the shutdown hook finishes the run gracefully
        assertFlowed(awaitExit(), "mtls");
        assertFalse(Files.exists(s.dir()), "the credentials were removed: " + s.dir());
    }
}
