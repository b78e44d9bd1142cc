package dev.interactiondemo.common;

/**
 * The demo's defaults, one place for each: the InteractionDemo's schema (the CRD's defaults, in {@code api}), the
 * operator's settings of a demo that leaves a part out, and the Greeter's, the notifier's and the sandbox's own
 * settings. Compile-time constants, so that the schema's annotations can name them ({@code @Default("" + RATE)}).
 */
public final class Defaults {
    /** Pods of each part: the Greeter, the Host, the Worker (the sandbox's Workers too). */
    public static final int REPLICAS = 1;
    /** Notifications the Host publishes per second (a whole number here; settings take decimals). */
    public static final int RATE = 5;
    /** How the Host calls the Greeter: {@code sync} or {@code async}. */
    public static final String CALL_MODE = "sync";
    /** Async mode: the most Greeter calls outstanding at once. */
    public static final int MAX_IN_FLIGHT = 16;
    /** Latency the Greeter adds to each reply. */
    public static final String RESPONSE_DELAY = "0ms";
    /** Time the Worker spends on each notification. */
    public static final String PROCESSING_DELAY = "0ms";
    /** The topic's partitions: the most Workers that consume in parallel. */
    public static final int PARTITIONS = 3;
    /** The topic's replication factor. */
    public static final int TOPIC_REPLICAS = 1;
    /** Who creates the topic on a Kubernetes cluster: {@code Strimzi} (a KafkaTopic) or {@code Direct}. */
    public static final String TOPIC_MANAGEMENT = "Strimzi";
    /** The notifier's topic where no demo names one (the notifier on its own, the sandbox). */
    public static final String TOPIC = "notifications";
    /** The Workers' consumer group where no demo names one. */
    public static final String GROUP_ID = "notification-workers";
    /** The longest name the Greeter greets, in characters. */
    public static final int MAX_NAME_LENGTH = 256;
    /** The Greeter's gRPC port. */
    public static final int GREETER_PORT = 50051;
    /** The Greeter's HTTP port: /metrics, /healthz, /readyz. */
    public static final int GREETER_METRICS_PORT = 9090;
    /** The notifier's HTTP port: /metrics, /healthz, /readyz. */
    public static final int NOTIFIER_HTTP_PORT = 8080;

    private Defaults() {
    }
}
