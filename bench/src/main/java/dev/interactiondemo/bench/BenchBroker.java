package dev.interactiondemo.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka 4.1.1 broker (KRaft, combined broker and controller) for the benchmarks, run in a child
 * JVM from Kafka's own server classes, with the JVM settings {@code kafka-server-start.sh} uses by default
 * ({@code -Xmx1G -Xms1G}, G1 with 20 ms pauses) rather than the small, quick-starting settings of the test broker
 * ({@code local-kafka}): both sides of every comparison use this same broker.
 */
final class BenchBroker implements AutoCloseable {
    static final List<String> KAFKA_JVM = List.of("-Xmx1G", "-Xms1G", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    private final Procs.Child process;
    private final Path dir;
    final String bootstrap;
    final Admin admin;

    private BenchBroker(Procs.Child process, Path dir, String bootstrap) {
        this.process = process;
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Extra server.properties lines for every broker of this run (bench/run.sh --broker-config k=v,k=v). */
    static volatile List<String> extraConfig = List.of();

    static BenchBroker start(Path workDir, String classPath) {
        int port = Procs.freePort();
        int controller = Procs.freePort();
        Path dir = workDir.resolve("kafka-" + port);
        try {
            Files.createDirectories(dir);
            Path props = Files.writeString(dir.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://localhost:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=3",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=5",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    String.join("\n", extraConfig),
                    ""));
            Path logback = Files.writeString(dir.resolve("logback.xml"), """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """);
            List<String> jvm = new ArrayList<>(List.of(Procs.java()));
            jvm.addAll(KAFKA_JVM);
            jvm.addAll(List.of("-Dlogback.configurationFile=" + logback, "-cp", classPath));
            List<String> format = new ArrayList<>(jvm);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", props.toString()));
            Procs.run("kafka-format", format, null, dir, Duration.ofMinutes(2));
            List<String> server = new ArrayList<>(jvm);
            server.addAll(List.of("kafka.Kafka", props.toString()));
            Procs.Child child = Procs.start("kafka-broker", server, null, dir, Map.of());
            Procs.awaitPort(child, port, Duration.ofSeconds(90));
            BenchBroker broker = new BenchBroker(child, dir, "localhost:" + port);
            broker.admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
            Log.info("Kafka broker ready at %s", broker.bootstrap);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the benchmark's Kafka broker did not start: " + e, e);
        }
    }

    void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    Procs.Child process() {
        return process;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        process.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            Log.info("could not delete %s: %s", dir, e);
        }
    }
}
