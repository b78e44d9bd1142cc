package dev.interactiondemo.localkafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), run as a child JVM from
 * Kafka's own server classes ({@code org.apache.kafka:kafka_2.13} from Maven Central). Its data lives in a temporary
 * directory that {@link #close()} removes. Used by the sandbox and by the tests: no container, no download.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private final Path dir;
    private final Process process;
    private final String bootstrapServers;
    private final int port;
    private final Map<String, Integer> extraListenerPorts;

    private LocalKafkaBroker(Path dir, Process process, int port, String advertisedHost,
                             Map<String, Integer> extraListenerPorts) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.bootstrapServers = advertisedHost + ":" + port;
        this.extraListenerPorts = Map.copyOf(extraListenerPorts);
    }

    private static LocalKafkaBroker shared;

    /**
     * One broker for the whole JVM, started on first use and stopped when the JVM exits: test classes share it
     * (each with its own topics and groups) instead of paying a broker start each.
     */
    public static synchronized LocalKafkaBroker shared() {
        if (shared == null || !shared.isRunning()) {
            LocalKafkaBroker broker = start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "local-kafka-stop"));
            shared = broker;
        }
        return shared;
    }

    /** Starts a broker on a free port of the loopback interface. */
    public static LocalKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int port() {
        return port;
    }

    /**
     * The port the broker listens on for an extra listener added with {@link Builder#extraListener}: where a proxy
     * in front of it forwards to.
     */
    public int listenerPort(String name) {
        Integer p = extraListenerPorts.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no extra listener " + name + "; there are " + extraListenerPorts.keySet());
        }
        return p;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The broker's own log, for diagnosing a failed start. */
    public Path logFile() {
        return dir.resolve("broker.log");
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and deletes its data. */
    @Override
    public void close() {
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

    /** Options for the broker. */
    public static final class Builder {
        private int port;
        private String bindHost = "127.0.0.1";
        private String advertisedHost = "localhost";
        private int defaultPartitions = 3;
        private Duration startTimeout = Duration.ofSeconds(90);
        private String maxHeap = "512m";
        private final Map<String, String> extraListeners = new LinkedHashMap<>();

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The interface to listen on; {@code 0.0.0.0} for all. */
        public Builder bindHost(String bindHost) {
            this.bindHost = bindHost;
            return this;
        }

        /** The host name clients are told to connect to. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        public Builder defaultPartitions(int partitions) {
            this.defaultPartitions = partitions;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /**
         * A second client listener (plaintext) named {@code name}, on a free port of its own
         * ({@link LocalKafkaBroker#listenerPort}), that tells its clients to connect to {@code advertisedAddress}
         * ({@code host:port}) instead: the address of a proxy that forwards to it. A client that bootstraps through
         * the proxy then reaches the broker only through the proxy, for every request; cutting the proxy cuts that
         * client off, and no other.
         */
        public Builder extraListener(String name, String advertisedAddress) {
            if (!name.matches("[A-Z][A-Z0-9_]*") || name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
                throw new IllegalArgumentException("a listener name is upper case, not PLAINTEXT or CONTROLLER: "
                        + name);
            }
            if (!advertisedAddress.matches("[^:\\s]+:[0-9]{1,5}")) {
                throw new IllegalArgumentException("an advertised address is host:port, not " + advertisedAddress);
            }
            extraListeners.put(name, advertisedAddress);
            return this;
        }

        public LocalKafkaBroker start() {
            int clientPort = port == 0 ? freePort(bindHost) : requireFree(bindHost, port);
            int controllerPort = freePort(bindHost);
            Map<String, Integer> extraPorts = new LinkedHashMap<>();
            extraListeners.keySet().forEach(name -> extraPorts.put(name, freePort(bindHost)));
            Path dir;
            try {
                dir = Files.createTempDirectory("local-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                Path props = writeConfig(dir, clientPort, controllerPort, extraPorts);
                Path log = dir.resolve("broker.log");
                run(dir, log, List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                        "-c", props.toString()));
                Process process = launch(dir, log, List.of("kafka.Kafka", props.toString()));
                LocalKafkaBroker broker = new LocalKafkaBroker(dir, process, clientPort, advertisedHost, extraPorts);
                broker.awaitReady(startTimeout);
                LOG.info("Kafka broker ready at {} (data in {})", broker.bootstrapServers(), dir);
                return broker;
            } catch (RuntimeException e) {
                deleteRecursively(dir);
                throw e;
            }
        }

        private Path writeConfig(Path dir, int clientPort, int controllerPort, Map<String, Integer> extraPorts) {
            StringBuilder listeners = new StringBuilder();
            StringBuilder advertised = new StringBuilder();
            StringBuilder protocols = new StringBuilder();
            extraPorts.forEach((name, p) -> {
                listeners.append(',').append(name).append("://").append(bindHost).append(':').append(p);
                advertised.append(',').append(name).append("://").append(extraListeners.get(name));
                protocols.append(',').append(name).append(":PLAINTEXT");
            });
            String config = String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@" + (bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost) + ":"
                            + controllerPort,
                    "listeners=PLAINTEXT://" + bindHost + ":" + clientPort + ",CONTROLLER://" + bindHost + ":"
                            + controllerPort + listeners,
                    "advertised.listeners=PLAINTEXT://" + advertisedHost + ":" + clientPort + advertised,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + protocols,
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=" + defaultPartitions,
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=5",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    "");
            String logback = """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                      <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    </configuration>
                    """;
            try {
                Files.writeString(dir.resolve("logback.xml"), logback);
                return Files.writeString(dir.resolve("server.properties"), config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Process launch(Path dir, Path log, List<String> mainAndArgs) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.awt.headless=true",
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

        private void run(Path dir, Path log, List<String> mainAndArgs) {
            Process p = launch(dir, log, mainAndArgs);
            try {
                if (!p.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("formatting the Kafka storage failed:\n" + tail(log));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
            }
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    String why = tail(logFile());
                    close();
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
                    close();
                    throw new IllegalStateException("the Kafka broker was not ready within " + timeout + ":\n" + why);
                }
                sleep(200);
            }
        }
    }

    /** This JVM's class path with absolute entries: the child runs in another directory. */
    private static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    private static int requireFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for the Kafka broker is already in use", e);
        }
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

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
