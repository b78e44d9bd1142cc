package dev.interactiondemo.localkafka;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link LocalKafkaBroker} until SIGTERM: the Kafka of machines and clusters that have none (the end-to-end
 * suite runs it as a pod). Settings: {@code BROKER_PORT} (9092), {@code BROKER_BIND_HOST} (0.0.0.0),
 * {@code BROKER_ADVERTISED_HOST} (the host name clients use; default: this host's name), {@code BROKER_PARTITIONS} (3),
 * {@code BROKER_HEAP} (512m). Its data is temporary: gone when it stops.
 */
public final class LocalKafkaMain {
    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        String advertised = env.getOrDefault("BROKER_ADVERTISED_HOST", env.getOrDefault("HOSTNAME", "localhost"));
        int port;
        int partitions;
        try {
            port = Integer.parseInt(env.getOrDefault("BROKER_PORT", "9092"));
            partitions = Integer.parseInt(env.getOrDefault("BROKER_PARTITIONS", "3"));
        } catch (NumberFormatException e) {
            System.err.println("local-kafka: BROKER_PORT and BROKER_PARTITIONS must be whole numbers: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalKafkaBroker broker = LocalKafkaBroker.builder()
                .port(port)
                .bindHost(env.getOrDefault("BROKER_BIND_HOST", "0.0.0.0"))
                .advertisedHost(advertised)
                .defaultPartitions(partitions)
                .maxHeap(env.getOrDefault("BROKER_HEAP", "512m"))
                .start();
        System.out.println("local-kafka: broker ready at " + broker.bootstrapServers());
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            broker.close();
        }, "local-kafka-stop"));
        // If the broker's JVM dies, so does this process, so that whoever runs it (e.g. the kubelet) restarts it.
        while (!stopping.await(2, TimeUnit.SECONDS)) {
            if (!broker.isRunning()) {
                System.err.println("local-kafka: the broker exited; see " + broker.logFile());
                System.exit(1);
            }
        }
    }
}
