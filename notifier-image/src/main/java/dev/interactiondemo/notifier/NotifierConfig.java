package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Durations;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Settings;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The notifier's configuration: environment variables, overridden by flags, validated at start-up. Options of the
 * other role are ignored.
 */
public record NotifierConfig(Role role, String bootstrapServers, KafkaSecurityFiles kafkaSecurity, String topic,
                             int httpPort, Host host, Worker worker) {

    public enum Role { HOST, WORKER }

    /** The Host's settings. */
    public record Host(String greeterTarget, double rate, CallMode callMode, int maxInFlight,
                       Duration greeterDeadline, List<String> recipients, Duration retryBackoff,
                       Duration retryBackoffMax, String producerId, int maxPending) {
    }

    /**
     * The Worker's settings.
     *
     * @param faultFailBeforeCommit the share of batches after which the Worker fails before committing (0-1); see
     *                              {@link WorkerFaults}
     * @param onInjectedFailure     what the Worker does after that failure
     */
    public record Worker(String groupId, Duration processingDelay, double faultFailBeforeCommit,
                         NotificationWorker.OnInjectedFailure onInjectedFailure) {
        /** A fresh {@link WorkerFaults} switched as configured. */
        public WorkerFaults faults() {
            return new WorkerFaults(faultFailBeforeCommit);
        }
    }

    public enum CallMode { SYNC, ASYNC }

    public static final int MAX_RATE = 10_000;

    // The Host's own defaults: with the other settings' (Defaults), what a Host runs with when told nothing.
    static final Duration DEFAULT_GREETER_DEADLINE = Duration.ofSeconds(2);
    static final List<String> DEFAULT_RECIPIENTS = List.of("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace",
            "Heidi");
    static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(5);
    static final int DEFAULT_MAX_PENDING = 10_000;

    static final Option ROLE = Option.of("NOTIFIER_ROLE", "role", null, "host (producer) or worker (consumer); "
            + "also accepted as the first argument");
    static final Option BOOTSTRAP = Option.of("KAFKA_BOOTSTRAP_SERVERS", "bootstrap-servers", null,
            "Kafka bootstrap servers, host:port[,host:port]");
    static final Option KAFKA_TLS = Option.of("KAFKA_TLS", "kafka-tls", "false",
            "true: connect to Kafka with TLS (host names verified against the brokers' certificates)");
    static final Option KAFKA_TRUSTED = Option.of("KAFKA_TLS_TRUSTED_CERTIFICATES", "kafka-tls-trusted-certificates",
            null, "PEM files of the CAs to trust, comma-separated; a file name may be a glob (dir/*.crt). Default: the "
                    + "JVM's trusted CAs");
    static final Option KAFKA_CERTIFICATE = Option.of("KAFKA_TLS_CERTIFICATE_FILE", "kafka-tls-certificate-file", null,
            "mutual TLS: the PEM client certificate file");
    static final Option KAFKA_KEY = Option.of("KAFKA_TLS_KEY_FILE", "kafka-tls-key-file", null,
            "mutual TLS: its private key file, unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY)");
    static final Option KAFKA_MECHANISM = Option.of("KAFKA_SASL_MECHANISM", "kafka-sasl-mechanism", null,
            "SASL: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN; empty for none");
    static final Option KAFKA_USERNAME = Option.of("KAFKA_SASL_USERNAME", "kafka-sasl-username", null,
            "SASL: the user name");
    static final Option KAFKA_PASSWORD_FILE = Option.of("KAFKA_SASL_PASSWORD_FILE", "kafka-sasl-password-file", null,
            "SASL: the file that holds the password (never the password itself)");
    static final Option TOPIC = Option.of("NOTIFIER_TOPIC", "topic", Defaults.TOPIC, "Kafka topic");
    static final Option HTTP_PORT = Option.of("NOTIFIER_HTTP_PORT", "http-port",
            String.valueOf(Defaults.NOTIFIER_HTTP_PORT), "HTTP port for /healthz, /readyz, /metrics");
    static final Option GREETER_TARGET = Option.of("GREETER_TARGET", "greeter-target", null,
            "host: the Greeter's gRPC address, host:port or dns:///host:port");
    static final Option RATE = Option.of("NOTIFIER_RATE", "rate", String.valueOf(Defaults.RATE),
            "host: notifications per second (0.01-" + MAX_RATE + ")");
    static final Option CALL_MODE = Option.of("NOTIFIER_CALL_MODE", "call-mode", Defaults.CALL_MODE,
            "host: sync (blocking stub, one call at a time) or async (future stub, bounded in flight)");
    static final Option MAX_IN_FLIGHT = Option.of("NOTIFIER_MAX_IN_FLIGHT", "max-in-flight",
            String.valueOf(Defaults.MAX_IN_FLIGHT), "host, async mode: most Greeter calls outstanding at once (1-1024)");
    static final Option GREETER_DEADLINE = Option.of("NOTIFIER_GREETER_DEADLINE", "greeter-deadline",
            Durations.format(DEFAULT_GREETER_DEADLINE), "host: deadline of each SayHello call (10ms-60s)");
    static final Option RECIPIENTS = Option.of("NOTIFIER_RECIPIENTS", "recipients",
            String.join(",", DEFAULT_RECIPIENTS), "host: comma-separated names to greet, in turn");
    static final Option RETRY_BACKOFF = Option.of("NOTIFIER_RETRY_BACKOFF", "retry-backoff",
            Durations.format(DEFAULT_RETRY_BACKOFF), "host: first delay before retrying a failed call (1ms-1m)");
    static final Option RETRY_BACKOFF_MAX = Option.of("NOTIFIER_RETRY_BACKOFF_MAX", "retry-backoff-max",
            Durations.format(DEFAULT_RETRY_BACKOFF_MAX), "host: longest delay between retries (1ms-5m)");
    static final Option PRODUCER_ID = Option.of("NOTIFIER_PRODUCER_ID", "producer-id", null,
            "host: this producer's id in notifications [default: <hostname>-<random>]");
    static final Option MAX_PENDING = Option.of("NOTIFIER_MAX_PENDING", "max-pending",
            String.valueOf(DEFAULT_MAX_PENDING),
            "host: most notifications waiting for Kafka's acknowledgement; at this many the Host makes no new call"
                    + " (1-1000000)");
    static final Option GROUP_ID = Option.of("NOTIFIER_GROUP_ID", "group-id", Defaults.GROUP_ID,
            "worker: Kafka consumer group");
    static final Option PROCESSING_DELAY = Option.of("NOTIFIER_PROCESSING_DELAY", "processing-delay",
            Defaults.PROCESSING_DELAY,
            "worker: artificial time spent on each notification (0-60s), to make lag visible");
    static final Option FAULT_FAIL_BEFORE_COMMIT = Option.of("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT",
            "fault-fail-before-commit", "0", "worker, injected fault: share of batches (0-1, e.g. 0.01) after which"
                    + " the Worker fails before committing; what it processed is delivered again (duplicates, no loss)");
    static final Option FAULT_ON_FAILURE = Option.of("NOTIFIER_FAULT_ON_FAILURE", "fault-on-failure",
            NotificationWorker.OnInjectedFailure.RECONNECT.name().toLowerCase(Locale.ROOT),
            "worker, after the injected fault: reconnect (a new consumer in the same process, whose audit counts the "
                    + "batch delivered again as duplicates) or exit (status 3, for Kubernetes to restart it; a new "
                    + "process starts a fresh audit, which cannot see those duplicates)");

    public static final List<Option> OPTIONS = List.of(ROLE, BOOTSTRAP, KAFKA_TLS, KAFKA_TRUSTED, KAFKA_CERTIFICATE,
            KAFKA_KEY, KAFKA_MECHANISM, KAFKA_USERNAME, KAFKA_PASSWORD_FILE, TOPIC, HTTP_PORT, GREETER_TARGET, RATE,
            CALL_MODE, MAX_IN_FLIGHT, GREETER_DEADLINE, RECIPIENTS, RETRY_BACKOFF, RETRY_BACKOFF_MAX, PRODUCER_ID,
            MAX_PENDING, GROUP_ID, PROCESSING_DELAY, FAULT_FAIL_BEFORE_COMMIT, FAULT_ON_FAILURE);

    /**
     * A Host's configuration as objects, for a program that runs one in its own process (the sandbox): the Host's
     * settings from {@link #host}, the HTTP port at its default (such a program serves no endpoints of the Host's).
     */
    public static NotifierConfig of(String bootstrapServers, KafkaSecurityFiles kafkaSecurity, String topic, Host host) {
        return new NotifierConfig(Role.HOST, bootstrapServers, kafkaSecurity, topic, Defaults.NOTIFIER_HTTP_PORT, host,
                null);
    }

    /** A Worker's configuration as objects, as {@link #of(String, KafkaSecurityFiles, String, Host)} for a Host. */
    public static NotifierConfig of(String bootstrapServers, KafkaSecurityFiles kafkaSecurity, String topic,
                                    Worker worker) {
        return new NotifierConfig(Role.WORKER, bootstrapServers, kafkaSecurity, topic, Defaults.NOTIFIER_HTTP_PORT,
                null, worker);
    }

    /** A Host's settings: these, and the defaults of the rest (deadline, recipients, backoff, pending). */
    public static Host host(String greeterTarget, double rate, CallMode callMode, int maxInFlight, String producerId) {
        return new Host(greeterTarget, rate, callMode, maxInFlight, DEFAULT_GREETER_DEADLINE, DEFAULT_RECIPIENTS,
                DEFAULT_RETRY_BACKOFF, DEFAULT_RETRY_BACKOFF_MAX, producerId, DEFAULT_MAX_PENDING);
    }

    /**
     * A Worker's settings: these, with no injected fault of its own (a program that runs Workers in its own process
     * gives each its {@link WorkerFaults}) and, after one, the default: reconnect.
     */
    public static Worker worker(String groupId, Duration processingDelay) {
        return new Worker(groupId, processingDelay, 0, NotificationWorker.OnInjectedFailure.RECONNECT);
    }

    public static NotifierConfig from(String[] args, Map<String, String> env) {
        return from(Settings.parse(OPTIONS, args, env));
    }

    /** Reads and validates; throws {@link dev.interactiondemo.common.ConfigException} naming every bad value. */
    public static NotifierConfig from(Settings s) {
        String roleText = s.positional().isEmpty() ? s.required(ROLE) : s.positional().get(0);
        Role role = switch (roleText.toLowerCase()) {
            case "host" -> Role.HOST;
            case "worker" -> Role.WORKER;
            default -> {
                if (!roleText.isEmpty()) {
                    s.problem(ROLE.label() + ": '" + roleText + "' is not one of host, worker");
                }
                yield Role.HOST;
            }
        };
        if (s.positional().size() > 1) {
            s.problem("unexpected arguments " + s.positional().subList(1, s.positional().size()));
        }
        String bootstrap = s.required(BOOTSTRAP);
        if (!bootstrap.isEmpty() && !Arrays.stream(bootstrap.split(",")).allMatch(NotifierConfig::isHostPort)) {
            s.problem(BOOTSTRAP.label() + ": '" + bootstrap + "' is not a list of host:port");
        }
        KafkaSecurityFiles security = kafkaSecurity(s);
        String topic = s.required(TOPIC);
        if (!topic.isEmpty() && !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            s.problem(TOPIC.label() + ": '" + topic + "' is not a valid Kafka topic name "
                    + "(letters, digits, '.', '_', '-'; at most 249)");
        }
        int httpPort = s.integer(HTTP_PORT, 0, 65535);
        Host host = null;
        Worker worker = null;
        if (role == Role.HOST) {
            String target = s.required(GREETER_TARGET);
            List<String> recipients = Arrays.stream(s.required(RECIPIENTS).split(","))
                    .map(String::trim).filter(r -> !r.isEmpty()).toList();
            if (recipients.isEmpty()) {
                s.problem(RECIPIENTS.label() + " names nobody");
            }
            Duration backoff = s.duration(RETRY_BACKOFF, Duration.ofMillis(1), Duration.ofMinutes(1));
            Duration backoffMax = s.duration(RETRY_BACKOFF_MAX, Duration.ofMillis(1), Duration.ofMinutes(5));
            if (backoffMax.compareTo(backoff) < 0) {
                s.problem(RETRY_BACKOFF_MAX.label() + " must be at least " + RETRY_BACKOFF.label());
            }
            host = new Host(target,
                    s.decimal(RATE, 0.01, MAX_RATE),
                    CallMode.valueOf(s.choice(CALL_MODE, "sync", "async").toUpperCase()),
                    s.integer(MAX_IN_FLIGHT, 1, 1024),
                    s.duration(GREETER_DEADLINE, Duration.ofMillis(10), Duration.ofSeconds(60)),
                    recipients, backoff, backoffMax,
                    s.raw(PRODUCER_ID).orElseGet(NotifierConfig::defaultProducerId),
                    s.integer(MAX_PENDING, 1, 1_000_000));
        } else {
            worker = new Worker(s.required(GROUP_ID),
                    s.duration(PROCESSING_DELAY, Duration.ZERO, Duration.ofSeconds(60)),
                    s.decimal(FAULT_FAIL_BEFORE_COMMIT, 0, 1),
                    NotificationWorker.OnInjectedFailure.valueOf(s.choice(FAULT_ON_FAILURE, "reconnect", "exit")
                            .toUpperCase()));
        }
        s.validate();
        return new NotifierConfig(role, bootstrap, security, topic, httpPort, host, worker);
    }

    /** The Kafka security options, checked together, and the files they name read once (so a bad one fails now). */
    private static KafkaSecurityFiles kafkaSecurity(Settings s) {
        boolean tls = s.choice(KAFKA_TLS, "false", "true").equals("true");
        List<String> trusted = Arrays.stream(s.string(KAFKA_TRUSTED).split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        String mechanism = s.string(KAFKA_MECHANISM).toUpperCase(Locale.ROOT);
        String username = s.string(KAFKA_USERNAME);
        String passwordFile = s.string(KAFKA_PASSWORD_FILE);
        String certificate = s.string(KAFKA_CERTIFICATE);
        String key = s.string(KAFKA_KEY);
        int before = s.problemCount();
        if (!mechanism.isEmpty() && !KafkaClientSecurity.MECHANISMS.contains(mechanism)) {
            s.problem(KAFKA_MECHANISM.label() + ": '" + mechanism + "' is not one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN");
        }
        if (!tls && (!trusted.isEmpty() || !certificate.isEmpty())) {
            s.problem(KAFKA_TRUSTED.label() + " and " + KAFKA_CERTIFICATE.label() + " need " + KAFKA_TLS.label()
                    + "=true");
        }
        if (certificate.isEmpty() != key.isEmpty()) {
            s.problem(KAFKA_CERTIFICATE.label() + " and " + KAFKA_KEY.label() + " go together");
        }
        if (mechanism.isEmpty() && (!username.isEmpty() || !passwordFile.isEmpty())) {
            s.problem(KAFKA_USERNAME.label() + " and " + KAFKA_PASSWORD_FILE.label() + " need "
                    + KAFKA_MECHANISM.label());
        }
        if (!mechanism.isEmpty() && (username.isEmpty() || passwordFile.isEmpty())) {
            s.problem(KAFKA_MECHANISM.label() + " " + mechanism + " needs " + KAFKA_USERNAME.label() + " and "
                    + KAFKA_PASSWORD_FILE.label());
        }
        if (!mechanism.isEmpty() && !certificate.isEmpty()) {
            s.problem("authenticate with SASL or with a client certificate, not both");
        }
        if (s.problemCount() > before) {
            return KafkaSecurityFiles.NONE;
        }
        KafkaSecurityFiles files = new KafkaSecurityFiles(tls, trusted, mechanism.isEmpty() ? null : mechanism,
                username.isEmpty() ? null : username, passwordFile.isEmpty() ? null : Path.of(passwordFile),
                certificate.isEmpty() ? null : Path.of(certificate), key.isEmpty() ? null : Path.of(key));
        try {
            files.load();
        } catch (IllegalArgumentException e) {
            s.problem("Kafka security: " + e.getMessage());
        }
        return files;
    }

    private static boolean isHostPort(String hp) {
        int colon = hp.trim().lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            int port = Integer.parseInt(hp.trim().substring(colon + 1));
            return port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code <hostname>-<6 hex>}: unique per process, so a restarted Host numbers its records afresh. */
    static String defaultProducerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        if (host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "host";
            }
        }
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return host + "-" + HexFormat.of().formatHex(random);
    }
}
