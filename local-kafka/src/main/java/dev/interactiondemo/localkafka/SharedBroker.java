package dev.interactiondemo.localkafka;

/**
 * The one broker of {@link LocalKafkaBroker#shared()}: started on first use (again if it has stopped), and stopped
 * when the JVM exits.
 */
final class SharedBroker {
    private static LocalKafkaBroker shared;

    private SharedBroker() {
    }

    static synchronized LocalKafkaBroker get() {
        if (shared == null || !shared.isRunning()) {
            LocalKafkaBroker broker = LocalKafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "local-kafka-stop"));
            shared = broker;
        }
        return shared;
    }
}
