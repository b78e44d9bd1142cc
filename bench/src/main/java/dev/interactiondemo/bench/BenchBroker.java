package dev.interactiondemo.bench;

import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real single-node Kafka 4.1.1 broker (KRaft, combined broker and controller) for the benchmarks: the test broker
 * ({@code local-kafka}'s {@link LocalKafkaBroker}) with the JVM settings {@code kafka-server-start.sh} uses by default
 * ({@code -Xmx1G -Xms1G}, G1 with 20 ms pauses) instead of its small, quick-starting ones: both sides of every
 * comparison use this same broker.
 */
final class BenchBroker implements AutoCloseable {
    static final List<String> KAFKA_JVM = List.of("-Xmx1G", "-Xms1G", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    /**
     * Extra broker settings, {@code key=value} each, for every broker of this run (bench/run.sh --broker-config
     * k=v,k=v); {@link BenchMain} checks their form.
     */
    static volatile List<String> extraConfig = List.of();
    /** How long a topic's creation may take on a broker busy with a benchmark. */
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final LocalKafkaBroker broker;
    /** Stops the broker if the benchmark itself is stopped (Ctrl-C, SIGTERM). */
    private final Thread stopOnExit;
    final String bootstrap;
    final Admin admin;

    private BenchBroker(LocalKafkaBroker broker) {
        this.broker = broker;
        this.stopOnExit = new Thread(broker::close, "kafka-broker-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        this.bootstrap = broker.bootstrapServers();
        this.admin = KafkaConnection.plaintext(bootstrap).admin("bench", TOPIC_TIMEOUT);
    }

    /**
     * Starts a broker on free ports, its data under {@code workDir}.
     *
     * @param classPath unused: the broker runs on this JVM's class path, which is the benchmark's
     */
    static BenchBroker start(Path workDir, String classPath) {
        LocalKafkaBroker.Builder builder = LocalKafkaBroker.builder().jvmOptions(KAFKA_JVM).directoryIn(workDir);
        for (String setting : extraConfig) {
            int eq = setting.indexOf('=');
            builder.config(setting.substring(0, eq), setting.substring(eq + 1));
        }
        BenchBroker broker = new BenchBroker(builder.start());
        Log.info("Kafka broker ready at %s", broker.bootstrap);
        return broker;
    }

    void createTopic(String name, int partitions) {
        try {
            TopicAdmin.createOrFind(admin, name, partitions, (short) 1, TOPIC_TIMEOUT);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    /** The broker's JVM, to measure what it uses. */
    ProcessHandle process() {
        return broker.process();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        broker.close();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook stops it
        }
    }
}
