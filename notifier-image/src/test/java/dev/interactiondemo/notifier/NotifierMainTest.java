package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.interactiondemo.notifier.PipelineTest.endOffsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notifier program as users run it: a separate JVM, configured by environment, stopped with SIGTERM. */
class NotifierMainTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void badConfigurationExitsWithStatus2AndNamesTheValue() throws Exception {
        String text = exitsWithStatus2("host", Map.of("NOTIFIER_RATE", "lots", "KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
        assertTrue(text.contains("NOTIFIER_RATE (--rate): 'lots' is not a number"), text);
        assertTrue(text.contains("GREETER_TARGET (--greeter-target) is required"), text);
    }

    @Test
    void aBadFaultRateExitsWithStatus2AndNamesTheVariable() throws Exception {
        String text = exitsWithStatus2("worker", Map.of("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT", "1.5",
                "KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
        assertTrue(text.contains("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT (--fault-fail-before-commit): 1.5 is out of "
                + "range [0, 1]"), text);
    }

    /** Runs a role with a bad configuration, asserts it exits with status 2 and returns what it printed. */
    private static String exitsWithStatus2(String role, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("notifier", ".out");
        try {
            Process p = launch(List.of(), env, out, role);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue());
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * The injected fault in a Worker program (a pod): after its first batch it fails before committing, and exits
     * with status 3 for Kubernetes to restart it; the group has committed nothing.
     */
    @Test
    void aWorkerProgramWhoseFaultFiresExitsWithStatus3WithoutCommitting() throws Exception {
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        String topic = "exit-test";
        String group = "exit-test-workers";
        Path out = Files.createTempFile("notifier", ".out");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                     Metrics.newRegistry())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            List<String> common = flags(kafka, topic, greeter);
            try (NotificationHost host = new NotificationHost(config("host", common, "--rate=50"),
                    Metrics.newRegistry())) {
                host.start();
                Await.until("some sent", () -> host.stats().sent() >= 10, Duration.ofSeconds(60));
                Process p = launch(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "NOTIFIER_TOPIC", topic, "NOTIFIER_GROUP_ID", group, "NOTIFIER_HTTP_PORT", "0",
                        "NOTIFIER_FAULT_FAIL_BEFORE_COMMIT", "1", "NOTIFIER_FAULT_ON_FAILURE", "exit", "LOG_FORMAT",
                        "text"), out, "worker");
                try {
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the Worker exits after its injected fault");
                    String text = Files.readString(out);
                    assertEquals(NotificationWorker.INJECTED_FAILURE_EXIT_STATUS, p.exitValue(), text);
                    assertEquals(1, occurrences(text, "injected fault: failing before commit after "), text);
                    assertTrue(text.contains("Worker exiting with status 3 (injected fault), to be restarted"), text);
                    assertEquals(0, committed(admin, group), "the batch was not committed");
                } finally {
                    p.destroyForcibly();
                }
            }
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
            Process p = launch(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "NOTIFIER_TOPIC",
                    topic, "NOTIFIER_GROUP_ID", group, "NOTIFIER_HTTP_PORT", String.valueOf(port)), out, "worker");
            try {
                Await.until("ready", () -> status(port, "/readyz") == 200, Duration.ofSeconds(60));
                Await.until("joined the group", () -> members(admin, group) == 1, Duration.ofSeconds(30));
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

    /**
     * A Worker JVM killed with SIGKILL mid-stream (no commit on the way out), then a new Worker in the same group:
     * the killed one logged each notification it processed (DEBUG), and one audit over both Workers' deliveries
     * shows every notification delivered, none lost, and as duplicates exactly what was processed after the last
     * commit. Takes about a minute: the killed member stays in the group until its session times out (45 s).
     */
    @Test
    void aWorkerKilledMidStreamLosesNothingAndTheNextOneContinues() throws Exception {
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        String topic = "kill-test";
        String group = "kill-test-workers";
        int port = freePort();
        Path out = Files.createTempFile("notifier", ".out");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                     Metrics.newRegistry())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            List<String> common = flags(kafka, topic, greeter);
            NotificationHost host = new NotificationHost(config("host", common, "--rate=100"), Metrics.newRegistry());
            host.start();
            Process first = launch(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "NOTIFIER_TOPIC", topic, "NOTIFIER_GROUP_ID", group, "NOTIFIER_HTTP_PORT", String.valueOf(port),
                    "NOTIFIER_PROCESSING_DELAY", "5ms", "LOG_FORMAT", "text", "LOG_LEVEL", "DEBUG"), out, "worker");
            NotificationWorker second = null;
            try {
                Await.until("the first Worker processed 200 and committed some", () -> processed(out).size() >= 200
                        && committed(admin, group) > 0, Duration.ofSeconds(60));
                first.destroyForcibly(); // SIGKILL: no commit, no leaving the group
                assertTrue(first.waitFor(10, TimeUnit.SECONDS));
                long committedAtKill = committed(admin, group);
                List<String[]> byFirst = processed(out);
                assertTrue(committedAtKill <= byFirst.size(), "the group never committed what was not processed: "
                        + committedAtKill + " committed, " + byFirst.size() + " processed");

                DeliveryAudit audit = new DeliveryAudit(); // one audit over both Workers' deliveries
                for (String[] d : byFirst) {
                    audit.record(d[0], Integer.parseInt(d[2]), Long.parseLong(d[1]));
                }
                second = new NotificationWorker(config("worker", common), Metrics.newRegistry(), audit).start();
                Await.until("the Host published 300 more", () -> host.stats().sent() >= byFirst.size() + 300,
                        Duration.ofSeconds(60));
                host.close();
                long sent = host.stats().sent();
                Await.until("the second Worker caught up", () -> committed(admin, group) == endOffsets(admin, topic, 3),
                        Duration.ofSeconds(120));
                NotificationWorker.Stats stats = second.stats();
                synchronized (audit) {
                    System.out.printf("killed Worker: %d processed, %d committed; next Worker: %d consumed; "
                                    + "sent %d, delivered %d, duplicates %d, lost %d%n", byFirst.size(), committedAtKill,
                            stats.consumed(), sent, audit.delivered(), audit.duplicates(), audit.lost());
                    assertEquals(0, audit.lost(), "nothing lost across the SIGKILL");
                    assertEquals(sent, audit.delivered(), "every notification delivered");
                    assertEquals(byFirst.size() - committedAtKill, audit.duplicates(),
                            "delivered again: exactly what the killed Worker processed after its last commit");
                }
                assertEquals(0, stats.lost());
            } finally {
                first.destroyForcibly();
                host.close();
                if (second != null) {
                    second.close();
                }
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * kafka-clients given an HTTP server's address allocates 1.2 GB for its first read. A Host and a Worker with a
     * 64 MB heap, whose JVM ends on an OutOfMemoryError as in the image, stay alive and not ready, saying why, log
     * it once, and check again; when a Kafka broker answers on that address instead, they work.
     */
    @Test
    void anAddressThatIsNotKafkaLeavesBothRolesAliveAndNotReadyUntilKafkaAnswersThere() throws Exception {
        BadRequestServer web = new BadRequestServer();
        int kafkaPort = web.port();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        String topic = "not-kafka-test";
        int hostPort = freePort();
        int workerPort = freePort();
        Path hostOut = Files.createTempFile("notifier-host", ".out");
        Path workerOut = Files.createTempFile("notifier-worker", ".out");
        List<String> smallHeap = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
        Process host = null;
        Process worker = null;
        try (GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                Metrics.newRegistry())) {
            host = launch(smallHeap, Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "NOTIFIER_TOPIC", topic,
                    "GREETER_TARGET", "localhost:" + greeter.port(), "NOTIFIER_RATE", "20",
                    "NOTIFIER_HTTP_PORT", String.valueOf(hostPort)), hostOut, "host");
            worker = launch(smallHeap, Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "NOTIFIER_TOPIC", topic,
                    "NOTIFIER_HTTP_PORT", String.valueOf(workerPort)), workerOut, "worker");
            String why = "bootstrap address " + bootstrap + " is not a Kafka broker: an HTTP server answered";
            for (int port : List.of(hostPort, workerPort)) {
                Await.until("not ready, saying why", () -> body(port, "/readyz").contains(why), Duration.ofSeconds(60));
                assertEquals(503, status(port, "/readyz"));
            }
            Await.until("each checked again", () -> web.connections() >= 6, Duration.ofSeconds(30));
            assertTrue(host.isAlive() && worker.isAlive(), "both alive");
            assertEquals(1, occurrences(Files.readString(hostOut), "an HTTP server answered"), "logged once");
            assertEquals(1, occurrences(Files.readString(workerOut), "an HTTP server answered"), "logged once");

            web.close(); // returns once the port is free again, for the broker: the same address, now Kafka
            awaitBindable(kafkaPort, Duration.ofSeconds(30));
            try (LocalKafkaBroker kafka = LocalKafkaBroker.builder().port(kafkaPort).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
                for (int port : List.of(hostPort, workerPort)) {
                    Await.until("ready once Kafka answers", () -> status(port, "/readyz") == 200, Duration.ofSeconds(60));
                }
                Await.until("notifications consumed", () -> metric(workerPort, "notifier_consumed_total") > 0,
                        Duration.ofSeconds(30));
                host.destroy();
                worker.destroy();
                assertTrue(host.waitFor(30, TimeUnit.SECONDS) && worker.waitFor(30, TimeUnit.SECONDS));
            }
        } finally {
            web.close();
            for (Process p : new Process[] {host, worker}) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
            Files.deleteIfExists(hostOut);
            Files.deleteIfExists(workerOut);
        }
    }

    /**
     * An HTTP server as nginx and most others are with bytes that are not HTTP: it answers 400 at once. (The JDK's
     * com.sun.net.httpserver would not do here: it waits for a line end that kafka-clients never sends, so its
     * clients time out instead. A KafkaConsumer with -Xmx64m given this server's address ends with "OutOfMemoryError:
     * Java heap space" within a second.)
     *
     * <p>{@link #close()} gives its port back before it returns, for a broker to take over. ServerSocket.close() alone
     * does not: with a thread blocked in accept() the JDK only signals that thread, and Linux releases the listening
     * socket when the thread leaves accept(), which on a loaded machine can be well after close() returned.
     */
    private static final class BadRequestServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread thread = new Thread(this::serve, "bad-request-server");
        /** The connection being answered, if any: closed by close(), so that serve() never waits on a client. */
        private volatile Socket client;

        BadRequestServer() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    client = s;
                    if (socket.isClosed()) {
                        break; // close() may have looked for a client before this one was set
                    }
                    connections.incrementAndGet();
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed, or the client went away: next
                } finally {
                    client = null;
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        /** Stops serving and returns once the serving thread is out of accept(), so the port is free again. */
        @Override
        public void close() throws IOException {
            socket.close();
            Socket c = client;
            if (c != null) {
                c.close();
            }
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the bad-request server stopped", e);
            }
            if (thread.isAlive()) {
                throw new IOException("the bad-request server's thread did not end within 30 s: "
                        + List.of(thread.getStackTrace()));
            }
        }
    }

    /**
     * The flags both roles take in a test on the shared broker: the broker, {@code topic}, the Greeter, the group
     * {@code <topic>-workers}, any free HTTP port.
     */
    static List<String> flags(LocalKafkaBroker kafka, String topic, GreeterServer greeter) {
        return List.of("--bootstrap-servers=" + kafka.bootstrapServers(), "--topic=" + topic,
                "--greeter-target=localhost:" + greeter.port(), "--group-id=" + topic + "-workers", "--http-port=0");
    }

    /** A role's configuration from flags: those common to the roles, then its own. */
    static NotifierConfig config(String role, List<String> common, String... flags) {
        List<String> args = new ArrayList<>(List.of(role));
        args.addAll(common);
        args.addAll(List.of(flags));
        return NotifierConfig.from(args.toArray(String[]::new), Map.of());
    }

    private static final Pattern PROCESSED = Pattern.compile("Processed (\\S+) #(\\d+) from partition (\\d+)");

    /** The notifications a Worker logged at DEBUG as processed, in order: producer id, sequence, partition. */
    private static List<String[]> processed(Path workerOutput) {
        List<String[]> result = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(workerOutput)) {
                Matcher m = PROCESSED.matcher(line);
                if (m.find()) {
                    result.add(new String[] {m.group(1), m.group(2), m.group(3)});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** The sum of a group's committed offsets; 0 when it has none, or Kafka does not answer. */
    static long committed(Admin admin, String group) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    static int members(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return d.members().size();
        } catch (Exception e) {
            return -1;
        }
    }

    static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The body of a GET, or "" when nothing answers. */
    static String body(int port, String path) {
        try {
            return get(port, path).body();
        } catch (Exception e) {
            return "";
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A metric's value from {@code /metrics}, e.g. {@code metric(port, "notifier_sent_total")}; -1 if not there. */
    static double metric(int port, String name) {
        for (String line : body(port, "/metrics").split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    /** The notifier in a JVM of its own, as users run it: java [jvmOptions] NotifierMain args, output to out. */
    static Process launch(List<String> jvmOptions, Map<String, String> env, Path out, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NotifierMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("NOTIFIER_") || k.startsWith("KAFKA_") || k.startsWith("GREETER_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Waits until {@code port} can be bound on the loopback address, as LocalKafkaBroker checks it, and fails with the
     * last error if it cannot be within {@code timeout}. (Nothing should hold it once the server is closed; but the
     * Host and the Worker keep connecting to it, and on Linux a connection to a free port in the ephemeral range can,
     * rarely, connect to itself and hold the port for the few seconds until the client gives up on it.)
     */
    static void awaitBindable(int port, Duration timeout) {
        Await.until("port " + port + " bindable", () -> {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return true;
            }
        }, timeout, Duration.ofMillis(50));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
