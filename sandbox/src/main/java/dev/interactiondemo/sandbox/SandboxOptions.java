package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Settings;
import dev.interactiondemo.engine.lesson.LessonCatalogue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The sandbox's flags (each also readable from its environment variable). */
public record SandboxOptions(Optional<Duration> duration, double rate, String callMode, int maxInFlight,
                             String output, Duration interval, int greeterPort, int kafkaPort, int partitions,
                             Duration greeterDelay, Duration processingDelay, Optional<LessonChoice> lesson,
                             List<FaultSetting> faults, boolean web, int webPort, int workers,
                             KafkaSecurity kafkaSecurity) {

    /**
     * How the Host and the Workers connect to Kafka. Secured, each logs in as a user of its own that Kafka's ACLs
     * allow only what its part needs; the sandbox's own readings still use the broker's PLAINTEXT listener.
     */
    public enum KafkaSecurity {
        /** The PLAINTEXT listener, no authentication (the Host through the cuttable proxy). */
        NONE(null),
        /** SCRAM-SHA-512 over TLS: the SASL_SSL listener, a user name and a password each. */
        SCRAM("SASL_SSL"),
        /** Mutual TLS: the SSL listener, a client certificate each. */
        MTLS("SSL");

        private final String listener;

        KafkaSecurity(String listener) {
            this.listener = listener;
        }

        /** The broker's listener the Host and the Workers use; null for none (PLAINTEXT). */
        String listener() {
            return listener;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final Option DURATION = Option.of("SANDBOX_DURATION", "duration", null,
            "how long to run, e.g. 30s or 2m [default: until Ctrl-C]");
    static final Option RATE = Option.of("SANDBOX_RATE", "rate", String.valueOf(Defaults.RATE),
            "notifications per second (0.01-10000)");
    static final Option CALL_MODE = Option.of("SANDBOX_CALL_MODE", "call-mode", Defaults.CALL_MODE,
            "how the Host calls the Greeter: sync or async");
    static final Option MAX_IN_FLIGHT = Option.of("SANDBOX_MAX_IN_FLIGHT", "max-in-flight",
            String.valueOf(Defaults.MAX_IN_FLIGHT), "async mode: most Greeter calls outstanding (1-1024)");
    static final Option OUTPUT = Option.of("SANDBOX_OUTPUT", "output", "table",
            "table (a live table) or json (one status object per line; the last line is the final status)");
    static final Option INTERVAL = Option.of("SANDBOX_INTERVAL", "interval", "2s", "status refresh interval (200ms-1m)");
    static final Option GREETER_PORT = Option.of("SANDBOX_GREETER_PORT", "greeter-port",
            String.valueOf(Defaults.GREETER_PORT), "the Greeter's gRPC port (0: any free port)");
    static final Option KAFKA_PORT = Option.of("SANDBOX_KAFKA_PORT", "kafka-port", "0",
            "the Kafka broker's port (0: any free port)");
    static final Option PARTITIONS = Option.of("SANDBOX_PARTITIONS", "partitions", String.valueOf(Defaults.PARTITIONS),
            "topic partitions (1-100)");
    static final Option WORKERS = Option.of("SANDBOX_WORKERS", "workers", String.valueOf(Defaults.REPLICAS),
            "Workers in the consumer group (1-8): with a --processing-delay, more Workers drain faster, up to one per "
                    + "partition");
    static final Option GREETER_DELAY = Option.of("SANDBOX_GREETER_DELAY", "greeter-delay", Defaults.RESPONSE_DELAY,
            "latency the Greeter adds to each reply (0-10s): try it with sync and async");
    static final Option PROCESSING_DELAY = Option.of("SANDBOX_PROCESSING_DELAY", "processing-delay",
            Defaults.PROCESSING_DELAY, "time the Worker spends on each notification (0-10s): above 1/rate, lag grows");
    static final Option SCENARIO = Option.of("SANDBOX_SCENARIO", "scenario", "none",
            "a lesson of the catalogue, the same as on a cluster (its steps, hypotheses and verdicts): none, "
                    + String.join(", ", LessonCatalogue.NAMES) + ". The lesson ends the run; exit 0 when every "
                    + "hypothesis holds");
    static final Option LESSON = Option.of("SANDBOX_LESSON", "lesson", null,
            "a lesson of your own: an InteractionLesson YAML file (as for a cluster; its spec.demo is ignored), "
                    + "run like --scenario");
    static final Option FAULT = Option.ofList("SANDBOX_FAULTS", "fault", null,
            "a fault switched on from the start, name=value; repeatable (the variable: comma-separated): "
                    + "greeter.errorRate=0-1, greeter.unavailable=true, worker.failBeforeCommit=0-1, "
                    + "kafka.cutHost=true");
    static final Option WEB = Option.ofSwitch("SANDBOX_WEB", "web", "true",
            "serve the live page (charts, conditions, fault buttons): true or false");
    static final Option WEB_PORT = Option.of("SANDBOX_WEB_PORT", "web-port", "8081",
            "the page's port on localhost (0: any free port); the address is printed at start");
    static final Option KAFKA_SECURITY = Option.of("SANDBOX_KAFKA_SECURITY", "kafka-security", "none",
            "how the Host and the Worker connect to Kafka: none (PLAINTEXT), scram (SCRAM-SHA-512 over TLS: the "
                    + "SASL_SSL listener) or mtls (mutual TLS: the SSL listener); secured, each is a Kafka user with "
                    + "least-privilege ACLs, while the sandbox's own readings stay on PLAINTEXT (a super user). Not "
                    + "with kafka.cutHost or --scenario kafka-cut");
    static final List<Option> OPTIONS = List.of(DURATION, RATE, CALL_MODE, MAX_IN_FLIGHT, OUTPUT, INTERVAL,
            GREETER_PORT, KAFKA_PORT, PARTITIONS, WORKERS, GREETER_DELAY, PROCESSING_DELAY, SCENARIO, LESSON, FAULT, WEB, WEB_PORT,
            KAFKA_SECURITY);

    public static SandboxOptions from(String[] args, Map<String, String> env) {
        return from(Settings.parse(OPTIONS, args, env));
    }

    static SandboxOptions from(Settings s) {
        Optional<Duration> duration = s.raw(DURATION).map(v -> s.duration(DURATION, Duration.ofSeconds(1),
                Duration.ofDays(7)));
        Optional<LessonChoice> lesson = LessonChoice.from(s, SCENARIO, LESSON);
        List<FaultSetting> faults = new ArrayList<>();
        for (String f : s.string(FAULT).split(",")) {
            if (f.isBlank()) {
                continue;
            }
            try {
                faults.add(FaultSetting.parse(f.trim()));
            } catch (IllegalArgumentException e) {
                s.problem(FAULT.label() + ": " + e.getMessage());
            }
        }
        KafkaSecurity security = KafkaSecurity.valueOf(s.choice(KAFKA_SECURITY, "none", "scram", "mtls")
                .toUpperCase(Locale.ROOT));
        if (security != KafkaSecurity.NONE) {
            // The cut needs the Host on the proxy's plaintext listener; secured, it connects to its listener directly.
            String why = " do not go together: the cut is a plaintext proxy in front of the Host, and with "
                    + security.label() + " the Host connects to the " + security.listener() + " listener directly "
                    + "(the cut needs none)";
            if (lesson.isPresent() && lesson.get().cutsTheHost()) {
                s.problem(lesson.get().flag() + " " + lesson.get().name() + " and " + KAFKA_SECURITY.label() + " "
                        + security.label() + why);
            }
            if (faults.stream().anyMatch(f -> f.name().equals(FaultSetting.KAFKA_CUT_HOST) && f.flag())) {
                s.problem(FAULT.label() + " " + FaultSetting.KAFKA_CUT_HOST + "=true and " + KAFKA_SECURITY.label()
                        + " " + security.label() + why);
            }
        }
        if (!s.positional().isEmpty()) {
            s.problem("unexpected arguments " + s.positional() + " (see --help)");
        }
        SandboxOptions o = new SandboxOptions(duration,
                s.decimal(RATE, 0.01, 10_000),
                s.choice(CALL_MODE, "sync", "async"),
                s.integer(MAX_IN_FLIGHT, 1, 1024),
                s.choice(OUTPUT, "table", "json"),
                s.duration(INTERVAL, Duration.ofMillis(200), Duration.ofMinutes(1)),
                s.integer(GREETER_PORT, 0, 65535),
                s.integer(KAFKA_PORT, 0, 65535),
                s.integer(PARTITIONS, 1, 100),
                s.duration(GREETER_DELAY, Duration.ZERO, Duration.ofSeconds(10)),
                s.duration(PROCESSING_DELAY, Duration.ZERO, Duration.ofSeconds(10)),
                lesson,
                List.copyOf(faults),
                Boolean.parseBoolean(s.choice(WEB, "true", "false")),
                s.integer(WEB_PORT, 0, 65535),
                s.integer(WORKERS, 1, 8),
                security);
        s.validate();
        return o;
    }
}
