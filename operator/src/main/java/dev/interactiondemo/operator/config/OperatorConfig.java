package dev.interactiondemo.operator.config;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, from environment variables (flags override), validated at start-up.
 *
 * @param watchNamespaces   namespaces to watch; empty: all
 * @param greeterImage      default image of the Greeter
 * @param notifierImage     default image of the Host and the Worker
 * @param imagePullPolicy   pull policy of the pods the operator creates
 * @param statusInterval    how often the status is refreshed (Kafka counts, gRPC health)
 * @param strimziApiVersion the Strimzi KafkaTopic apiVersion: kafka.strimzi.io/v1 or kafka.strimzi.io/v1beta2
 * @param topicReadyTimeout how long a KafkaTopic may stay not Ready before the status explains the likely cause
 * @param allowedBootstrapServers patterns a demo's bootstrap addresses must match ({@code *}: any characters); empty:
 *                          any address
 */
public record OperatorConfig(Set<String> watchNamespaces, String greeterImage, String notifierImage,
                             String imagePullPolicy, Duration statusInterval, String strimziApiVersion,
                             Duration topicReadyTimeout, boolean leaderElection, String leaseName,
                             String leaseNamespace, int httpPort, BootstrapPolicy allowedBootstrapServers,
                             boolean webPage, int webPort, String otlpEndpoint, int reconcileThreads)
        implements DemoSettings.Images {

    public static final String VERSION = versionOfThisBuild();

    public static final Option WATCH_NAMESPACES = Option.of("WATCH_NAMESPACES", "watch-namespaces", "",
            "comma-separated namespaces to watch; empty: all namespaces");
    public static final Option GREETER_IMAGE = Option.of("GREETER_IMAGE", "greeter-image",
            "interactiondemo/greeter:" + VERSION, "default Greeter image");
    public static final Option NOTIFIER_IMAGE = Option.of("NOTIFIER_IMAGE", "notifier-image",
            "interactiondemo/notifier:" + VERSION, "default Host and Worker image");
    public static final Option IMAGE_PULL_POLICY = Option.of("IMAGE_PULL_POLICY", "image-pull-policy", "IfNotPresent",
            "pull policy of the demo's pods: Always, IfNotPresent or Never");
    public static final Option STATUS_INTERVAL = Option.of("STATUS_INTERVAL", "status-interval", "10s",
            "how often each InteractionDemo's status is refreshed (1s-10m)");
    public static final Option STRIMZI_API_VERSION = Option.of("STRIMZI_API_VERSION", "strimzi-api-version",
            "kafka.strimzi.io/v1", "apiVersion of Strimzi's KafkaTopics and KafkaUsers: kafka.strimzi.io/v1, or "
                    + "v1beta2 for Strimzi "
                    + "before 0.49");
    public static final Option TOPIC_READY_TIMEOUT = Option.of("TOPIC_READY_TIMEOUT", "topic-ready-timeout", "2m",
            "how long a KafkaTopic may stay not Ready before the status names the likely cause (1s-1h)");
    public static final Option LEADER_ELECTION = Option.of("LEADER_ELECTION", "leader-election", "false",
            "true: only the holder of a Lease reconciles (run several replicas)");
    public static final Option LEASE_NAME = Option.of("LEASE_NAME", "lease-name", "interaction-demo-operator",
            "name of the leader-election Lease");
    public static final Option LEASE_NAMESPACE = Option.of("POD_NAMESPACE", "lease-namespace", null,
            "namespace of the leader-election Lease (the operator's own namespace)");
    public static final Option HTTP_PORT = Option.of("OPERATOR_HTTP_PORT", "http-port", "8080",
            "HTTP port of /healthz, /readyz (started, event sources healthy) and /metrics");
    public static final Option ALLOWED_BOOTSTRAP_SERVERS = Option.of("ALLOWED_BOOTSTRAP_SERVERS",
            "allowed-bootstrap-servers", "", "comma-separated host:port patterns ('*': any characters) that every "
                    + "bootstrap address of a demo must match; empty: any address");
    public static final Option WEB_PAGE = Option.of("WEB_PAGE", "web-page", "false",
            "true: serve the live page of every demo, read-only, on WEB_PORT (reach it with kubectl port-forward)");
    public static final Option WEB_PORT = Option.of("WEB_PORT", "web-port", "8081", "HTTP port of the live page");
    public static final Option OTLP_ENDPOINT = Option.of("OTLP_ENDPOINT", "otlp-endpoint", "",
            "where the demos' pods send their traces (OTLP over HTTP, e.g. http://otel-collector.observability:4318),"
                    + " as their OTEL_EXPORTER_OTLP_ENDPOINT; empty: no tracing");
    public static final Option RECONCILE_THREADS = Option.of("RECONCILE_THREADS", "reconcile-threads", "16",
            "how many InteractionDemos are reconciled at once, and how many threads reconcile their dependents "
                    + "(1-200); a reconcile never waits for Kafka or a Greeter, only for the API server");
    public static final List<Option> OPTIONS = List.of(WATCH_NAMESPACES, GREETER_IMAGE, NOTIFIER_IMAGE,
            IMAGE_PULL_POLICY, STATUS_INTERVAL, STRIMZI_API_VERSION, TOPIC_READY_TIMEOUT, LEADER_ELECTION,
            LEASE_NAME, LEASE_NAMESPACE, HTTP_PORT, ALLOWED_BOOTSTRAP_SERVERS, WEB_PAGE, WEB_PORT,
            OTLP_ENDPOINT, RECONCILE_THREADS);

    public static OperatorConfig from(String[] args, Map<String, String> env) {
        return from(Settings.parse(OPTIONS, args, env));
    }

    public static OperatorConfig from(Settings s) {
        Set<String> namespaces = Arrays.stream(s.string(WATCH_NAMESPACES).split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).collect(Collectors.toUnmodifiableSet());
        namespaces.stream().filter(n -> !n.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"))
                .forEach(n -> s.problem(WATCH_NAMESPACES.label() + ": '" + n + "' is not a namespace name"));
        String pullPolicy = s.required(IMAGE_PULL_POLICY);
        if (!List.of("Always", "IfNotPresent", "Never").contains(pullPolicy)) {
            s.problem(IMAGE_PULL_POLICY.label() + ": '" + pullPolicy + "' is not one of Always, IfNotPresent, Never");
        }
        String apiVersion = s.required(STRIMZI_API_VERSION);
        if (!List.of("kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2").contains(apiVersion)) {
            s.problem(STRIMZI_API_VERSION.label() + ": '" + apiVersion
                    + "' is not one of kafka.strimzi.io/v1, kafka.strimzi.io/v1beta2");
        }
        boolean leaderElection = Boolean.parseBoolean(s.choice(LEADER_ELECTION, "true", "false"));
        String leaseNamespace = s.string(LEASE_NAMESPACE);
        if (leaderElection && leaseNamespace.isEmpty()) {
            s.problem(LEASE_NAMESPACE.label() + " is required with leader election: " + LEASE_NAMESPACE.description());
        }
        OperatorConfig c = new OperatorConfig(namespaces, s.required(GREETER_IMAGE), s.required(NOTIFIER_IMAGE),
                pullPolicy,
                s.duration(STATUS_INTERVAL, Duration.ofSeconds(1), Duration.ofMinutes(10)),
                apiVersion,
                s.duration(TOPIC_READY_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(1)),
                leaderElection, s.required(LEASE_NAME), leaseNamespace,
                s.integer(HTTP_PORT, 0, 65535), bootstrapPolicy(s),
                Boolean.parseBoolean(s.choice(WEB_PAGE, "true", "false")), s.integer(WEB_PORT, 0, 65535),
                otlpEndpoint(s), s.integer(RECONCILE_THREADS, 1, 200));
        s.validate();
        return c;
    }

    private static String otlpEndpoint(Settings s) {
        String e = s.string(OTLP_ENDPOINT).trim();
        if (!e.isEmpty() && !e.matches("https?://[^\\s]+")) {
            s.problem(OTLP_ENDPOINT.label() + ": '" + e + "' is not an http:// or https:// address");
        }
        return e;
    }

    private static BootstrapPolicy bootstrapPolicy(Settings s) {
        try {
            return BootstrapPolicy.parse(s.string(ALLOWED_BOOTSTRAP_SERVERS));
        } catch (IllegalArgumentException e) {
            s.problem(ALLOWED_BOOTSTRAP_SERVERS.label() + ": " + e.getMessage());
            return BootstrapPolicy.ANY;
        }
    }

    private static String versionOfThisBuild() {
        String v = OperatorConfig.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
