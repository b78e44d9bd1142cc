package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three images, run as Kubernetes runs them (user 1000, read-only root filesystem with a tmpfs /tmp, no
 * capabilities, a memory limit), answer their health endpoints and do their job: the Greeter serves gRPC, a Host and
 * a Worker carry notifications through a real Kafka broker, the operator reconciles an InteractionDemo on a real API
 * server and stops on SIGTERM. Needs a Docker engine; without one the tests are skipped, saying so.
 * The images come from target/*-image.tar ({@code ./mvnw package}), or from the engine with {@code -Dimages=docker}.
 */
class ImagesIT {
    private static final Logger LOG = LoggerFactory.getLogger(ImagesIT.class);
    private static final String VERSION = System.getProperty("project.version");
    private static final String NAMESPACE = System.getProperty("image.namespace", "interactiondemo");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> containers = new ArrayList<>();

    static String image(String name) {
        return NAMESPACE + "/" + name + ":" + VERSION;
    }

    @BeforeAll
    static void images() {
        Assumptions.assumeFalse(Boolean.getBoolean("jib.skip"), "the images were not built (-Djib.skip)");
        Docker.Result info = Docker.run(List.of("info", "--format", "{{.ServerVersion}}"), Duration.ofSeconds(20));
        Assumptions.assumeTrue(info.code() == 0, "SKIPPED: no Docker engine answers (" + info.out().strip()
                + "); start one (e.g. dockerd) to run the image checks");
        Path root = Helm.chart().getParent().getParent();
        boolean fromEngine = "docker".equals(System.getProperty("images"));
        for (String[] m : new String[][]{{"greeter-image", "greeter"}, {"notifier-image", "notifier"},
                {"operator", "operator"}}) {
            Path tar = root.resolve(m[0]).resolve("target").resolve(m[1] + "-image.tar");
            if (!fromEngine) {
                assertTrue(Files.exists(tar), tar + " is missing: ./mvnw package builds it");
                Docker.ok("load", "-i", tar.toString());
            }
            assertEquals(0, Docker.run(List.of("image", "inspect", image(m[1])), Duration.ofSeconds(20)).code(),
                    image(m[1]) + " is not in the Docker engine");
        }
    }

    @AfterAll
    static void removeContainers() {
        containers.forEach(c -> Docker.run(List.of("rm", "-f", c), Duration.ofSeconds(30)));
    }

    @Test
    void theImagesRunAsUser1000WithTheProjectVersionAndLabels() {
        for (String name : List.of("greeter", "notifier", "operator")) {
            Map<String, Object> config = Docker.inspect(image(name), "{{json .Config}}");
            assertEquals("1000:1000", config.get("User"), name);
            @SuppressWarnings("unchecked")
            Map<String, String> labels = (Map<String, String>) config.get("Labels");
            assertEquals(VERSION, labels.get("org.opencontainers.image.version"), name);
            assertEquals(name, labels.get("org.opencontainers.image.title"), name);
            @SuppressWarnings("unchecked")
            List<String> entrypoint = (List<String>) config.get("Entrypoint");
            assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=75"), name + ": " + entrypoint);
            assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), name + ": " + entrypoint);
            assertTrue(Docker.run(List.of("image", "inspect", NAMESPACE + "/" + name + ":latest"),
                    Duration.ofSeconds(20)).code() != 0, name + ": nothing is tagged latest");
        }
    }

    @Test
    void theGreeterServesGrpcAndItsHeapFollowsTheMemoryLimit() throws Exception {
        int grpc = freePort();
        int http = freePort();
        start("greeter", "256m", Map.of("GREETER_PORT", "" + grpc, "GREETER_METRICS_PORT", "" + http));
        awaitHttp(http, "/readyz", 200, Duration.ofSeconds(60));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
        try {
            assertEquals("SERVING", GreeterHealthCheck.check(channel, Duration.ofSeconds(5)).serving());
        } finally {
            channel.shutdownNow();
        }
        String metrics = get(http, "/metrics").body();
        double heap = metric(metrics, "jvm_memory_max_bytes\\{area=\"heap\"[^}]*\\}").orElseThrow();
        assertTrue(heap <= 0.8 * 256 * 1024 * 1024 && heap >= 0.5 * 256 * 1024 * 1024,
                "max heap " + heap + " bytes: 75 % of the 256 MiB limit");
    }

    @Test
    void aHostAndAWorkerCarryNotificationsThroughKafka() throws Exception {
        String bootstrap = LocalKafkaBroker.shared().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("images-it", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        int grpc = freePort();
        int greeterHttp = freePort();
        start("greeter", "256m", Map.of("GREETER_PORT", "" + grpc, "GREETER_METRICS_PORT", "" + greeterHttp));
        int worker = freePort();
        start("notifier", "256m", Map.of("NOTIFIER_ROLE", "worker", "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "NOTIFIER_TOPIC", "images-it", "NOTIFIER_GROUP_ID", "images-it", "NOTIFIER_HTTP_PORT", "" + worker));
        int host = freePort();
        start("notifier", "256m", Map.of("NOTIFIER_ROLE", "host", "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "NOTIFIER_TOPIC", "images-it", "GREETER_TARGET", "127.0.0.1:" + grpc, "NOTIFIER_RATE", "20",
                "NOTIFIER_HTTP_PORT", "" + host));
        awaitHttp(worker, "/readyz", 200, Duration.ofSeconds(60));
        awaitHttp(host, "/readyz", 200, Duration.ofSeconds(60));
        Await.value("notifications consumed by the Worker", () -> metric(get(worker, "/metrics").body(),
                "notifier_consumed_total\\{[^}]*\\}").filter(n -> n >= 20), Duration.ofSeconds(60));
        assertEquals(0.0, metric(get(worker, "/metrics").body(), "notifier_lost_total\\{[^}]*\\}").orElse(0.0));
    }

    @Test
    void theOperatorReconcilesOnARealApiServerAndStopsOnSigterm() throws Exception {
        KubernetesClient client = KubeApi.client();
        String ns = KubeApi.namespace("images-it");
        int http = freePort();
        String id = startOperator(ns, http, false);
        awaitHttp(http, "/readyz", 200, Duration.ofSeconds(120));

        client.resources(InteractionDemo.class).inNamespace(ns).resource(DirectModeTest.directDemo("imgs", "")).create();
        Deployment greeter = Await.value("the Greeter Deployment", () -> Optional.ofNullable(
                client.apps().deployments().inNamespace(ns).withName("imgs-greeter").get()), Duration.ofSeconds(60));
        assertEquals(image("greeter"), greeter.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                "the operator's default Greeter image is the one built with it");
        Await.value("the status, with the topic made through Kafka's Admin API", () -> Optional.ofNullable(
                client.resources(InteractionDemo.class).inNamespace(ns).withName("imgs").get())
                .filter(d -> d.getStatus() != null && d.getStatus().getTopic() != null
                        && Boolean.TRUE.equals(d.getStatus().getTopic().getReady())), Duration.ofSeconds(60));
        assertTrue(get(http, "/metrics").body().contains("operator_sdk_"), "java-operator-sdk's metrics");
        String logs = Docker.ok("logs", id);
        assertTrue(logs.contains("Operator started"), "the operator logs (logback is in the image):\n" + logs);
        client.resources(InteractionDemo.class).inNamespace(ns).withName("imgs").delete();
        Await.until("the finalizer removed by the operator", () -> client.resources(InteractionDemo.class)
                .inNamespace(ns).withName("imgs").get() == null);
        assertStopsOnSigterm(id);
    }

    /**
     * As the chart runs it: with leader election. java-operator-sdk's own exit on losing the lease would wait for
     * the very shutdown hook that released it (the pod would hang until killed); OperatorMain never exits on a loss.
     */
    @Test
    void theOperatorWithLeaderElectionStopsOnSigterm() throws Exception {
        String ns = KubeApi.namespace("images-it-le");
        int http = freePort();
        String id = startOperator(ns, http, true);
        awaitHttp(http, "/readyz", 200, Duration.ofSeconds(120));
        Await.value("the Lease taken", () -> Optional.ofNullable(KubeApi.client().leases().inNamespace(ns)
                .withName("interaction-demo-operator").get()), Duration.ofSeconds(60));
        assertStopsOnSigterm(id);
    }

    private static String startOperator(String ns, int http, boolean leaderElection) throws IOException {
        return start("operator", "384m", Map.of("KUBECONFIG", "/kubeconfig", "WATCH_NAMESPACES", ns,
                        "OPERATOR_HTTP_PORT", "" + http, "STATUS_INTERVAL", "2s",
                        "LEADER_ELECTION", "" + leaderElection, "POD_NAMESPACE", ns, "LOG_FORMAT", "text"),
                "-v", kubeconfigWithEmbeddedCertificates() + ":/kubeconfig:ro");
    }

    private static void assertStopsOnSigterm(String id) {
        long start = System.nanoTime();
        Docker.ok("stop", "--time", "30", id);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String exit = Docker.ok("inspect", "--format", "{{.State.ExitCode}}", id).strip();
        LOG.info("The operator stopped {} s after SIGTERM, exit code {}", seconds, exit);
        assertTrue(seconds < 20 && !exit.equals("137"), "the operator took " + seconds + " s to stop on SIGTERM "
                + "(exit code " + exit + "); its last lines:\n" + Docker.run(List.of("logs", "--tail", "30", id),
                Duration.ofSeconds(10)).out());
    }

    // --- helpers ---

    /** Starts an image as the chart and the operator run it; host network (to reach Kafka and the API server). */
    private static String start(String name, String memory, Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--network", "host", "--read-only",
                "--tmpfs", "/tmp:rw,size=64m", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--memory", memory, "--label", "dev.interactiondemo.test=ImagesIT"));
        env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        args.addAll(List.of(extra));
        args.add(image(name));
        String id = Docker.ok(args.toArray(String[]::new)).strip();
        containers.add(id);
        return id;
    }

    private static void awaitHttp(int port, String path, int status, Duration timeout) {
        try {
            Await.value(path + " on port " + port + " answering " + status, () -> {
                HttpResponse<String> r = get(port, path);
                return r.statusCode() == status ? Optional.of(r) : Optional.empty();
            }, timeout);
        } catch (AssertionError e) {
            containers.forEach(c -> LOG.info("Logs of {}:\n{}", c, Docker.run(List.of("logs", "--tail", "40", c),
                    Duration.ofSeconds(10)).out()));
            throw e;
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of a Prometheus metric's samples whose name and labels match {@code pattern}. */
    private static Optional<Double> metric(String text, String pattern) {
        Matcher m = Pattern.compile("(?m)^" + pattern + " ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        return found ? Optional.of(sum) : Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** kube-api-test's kubeconfig with the certificate files inlined, readable by the container's user. */
    @SuppressWarnings("unchecked")
    private static Path kubeconfigWithEmbeddedCertificates() throws IOException {
        Map<String, Object> config = Serialization.unmarshal(KubeApi.kubeconfig(), Map.class);
        for (Map<String, Object> c : (List<Map<String, Object>>) config.get("clusters")) {
            inline((Map<String, Object>) c.get("cluster"), "certificate-authority");
        }
        for (Map<String, Object> u : (List<Map<String, Object>>) config.get("users")) {
            inline((Map<String, Object>) u.get("user"), "client-certificate");
            inline((Map<String, Object>) u.get("user"), "client-key");
        }
        Path file = Files.createTempFile("images-it-kubeconfig", ".yaml");
        file.toFile().deleteOnExit();
        Files.writeString(file, Serialization.asYaml(config));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private static void inline(Map<String, Object> section, String key) throws IOException {
        Object path = section.remove(key);
        if (path != null) {
            section.put(key + "-data", Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(path.toString()))));
        }
    }

    /** The docker CLI. */
    static final class Docker {
        record Result(int code, String out) {
        }

        static Result run(List<String> args, Duration timeout) {
            List<String> command = new ArrayList<>();
            command.add("docker");
            command.addAll(args);
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "timed out: " + command);
                }
                return new Result(p.exitValue(), out);
            } catch (IOException e) {
                return new Result(-1, "docker: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(-1, "interrupted");
            }
        }

        static String ok(String... args) {
            Result r = run(List.of(args), Duration.ofMinutes(3));
            assertEquals(0, r.code(), "docker " + String.join(" ", args) + ":\n" + r.out());
            return r.out();
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> inspect(String image, String format) {
            return Serialization.unmarshal(ok("image", "inspect", "--format", format, image), Map.class);
        }
    }
}
