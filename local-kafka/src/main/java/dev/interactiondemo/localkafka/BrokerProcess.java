package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.Directories;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The broker's child JVM and the directory it runs in: formats the storage, starts Kafka's server on this JVM's
 * class path, waits until it answers, and stops it and deletes the directory. Its output goes to the directory's
 * {@code broker.log}.
 */
final class BrokerProcess {
    /** Under the broker's name: its log lines are {@link LocalKafkaBroker}'s, whichever class writes them. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private final Path dir;
    private final Process process;

    private BrokerProcess(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** A new temporary directory for a broker, in {@code parent} (made if missing) or, if null, the system's. */
    static Path newDirectory(Path parent) {
        try {
            return parent == null ? Files.createTempDirectory("local-kafka-")
                    : Files.createTempDirectory(Files.createDirectories(parent), "local-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Formats the storage in {@code dir} for the configuration {@code props} (a new cluster id each time), then
     * starts the broker's JVM; it is not ready yet: {@link #awaitReady}.
     */
    static BrokerProcess start(Path dir, Path props, BrokerSettings settings) {
        Path log = dir.resolve("broker.log");
        run(dir, log, settings, List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", props.toString()));
        return new BrokerProcess(dir, launch(dir, log, settings, List.of("kafka.Kafka", props.toString())));
    }

    /**
     * Returns once the broker at {@code bootstrapServers} lists its nodes; if it exits or is not ready within
     * {@code timeout}, stops it, deletes its directory and throws with the end of its log.
     */
    void awaitReady(String bootstrapServers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    String why = tail(logFile());
                    stop();
                    throw new IllegalStateException("the Kafka broker exited during start-up:\n" + why);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    String why = tail(logFile());
                    stop();
                    throw new IllegalStateException("the Kafka broker was not ready within " + timeout + ":\n" + why);
                }
                sleep(200);
            }
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path logFile() {
        return dir.resolve("broker.log");
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
    }

    /** Removes the broker's directory; what cannot be removed is logged, never thrown: the broker is gone anyway. */
    static void deleteRecursively(Path dir) {
        try {
            Directories.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    private static Process launch(Path dir, Path log, BrokerSettings settings, List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(settings.jvmFlags());
        cmd.addAll(List.of("-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", absoluteClassPath()));
        cmd.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for the Kafka broker", e);
        }
    }

    private static void run(Path dir, Path log, BrokerSettings settings, List<String> mainAndArgs) {
        Process p = launch(dir, log, settings, mainAndArgs);
        try {
            if (!p.waitFor(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka storage failed:\n" + tail(log));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
        }
    }

    /** This JVM's class path with absolute entries: the child runs in another directory. */
    private static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no broker log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
