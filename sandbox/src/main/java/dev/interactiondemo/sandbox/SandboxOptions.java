package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Settings;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The sandbox's flags (each also readable from its environment variable). */
public record SandboxOptions(Optional<Duration> duration, double rate, String callMode, int maxInFlight,
                             String output, Duration interval, int greeterPort, int kafkaPort, int partitions,
                             Duration greeterDelay, Duration processingDelay, Scenario scenario) {

    /** A fault to stage in the middle third of the run, to watch the two interaction styles react. */
    public enum Scenario {
        /** Nothing staged. */
        NONE,
        /** The Greeter stops: the synchronous call fails, so the Host publishes nothing until it returns. */
        GREETER_OUTAGE,
        /** The Worker stops: the Host carries on, messages wait in Kafka (lag grows), then drain. */
        WORKER_OUTAGE
    }

    static final Option DURATION = Option.of("SANDBOX_DURATION", "duration", null,
            "how long to run, e.g. 30s or 2m [default: until Ctrl-C]");
    static final Option RATE = Option.of("SANDBOX_RATE", "rate", "5", "notifications per second (0.01-10000)");
    static final Option CALL_MODE = Option.of("SANDBOX_CALL_MODE", "call-mode", "sync",
            "how the Host calls the Greeter: sync or async");
    static final Option MAX_IN_FLIGHT = Option.of("SANDBOX_MAX_IN_FLIGHT", "max-in-flight", "16",
            "async mode: most Greeter calls outstanding (1-1024)");
    static final Option OUTPUT = Option.of("SANDBOX_OUTPUT", "output", "table",
            "table (a live table) or json (one status object per line; the last line is the final status)");
    static final Option INTERVAL = Option.of("SANDBOX_INTERVAL", "interval", "2s", "status refresh interval (200ms-1m)");
    static final Option GREETER_PORT = Option.of("SANDBOX_GREETER_PORT", "greeter-port", "50051",
            "the Greeter's gRPC port (0: any free port)");
    static final Option KAFKA_PORT = Option.of("SANDBOX_KAFKA_PORT", "kafka-port", "0",
            "the Kafka broker's port (0: any free port)");
    static final Option PARTITIONS = Option.of("SANDBOX_PARTITIONS", "partitions", "3", "topic partitions (1-100)");
    static final Option GREETER_DELAY = Option.of("SANDBOX_GREETER_DELAY", "greeter-delay", "0ms",
            "latency the Greeter adds to each reply (0-10s): try it with sync and async");
    static final Option PROCESSING_DELAY = Option.of("SANDBOX_PROCESSING_DELAY", "processing-delay", "0ms",
            "time the Worker spends on each notification (0-10s): above 1/rate, lag grows");
    static final Option SCENARIO = Option.of("SANDBOX_SCENARIO", "scenario", "none",
            "none, greeter-outage or worker-outage: stops that part for the middle third of --duration");
    static final List<Option> OPTIONS = List.of(DURATION, RATE, CALL_MODE, MAX_IN_FLIGHT, OUTPUT, INTERVAL,
            GREETER_PORT, KAFKA_PORT, PARTITIONS, GREETER_DELAY, PROCESSING_DELAY, SCENARIO);

    public static SandboxOptions from(String[] args, Map<String, String> env) {
        return from(Settings.parse(OPTIONS, args, env));
    }

    static SandboxOptions from(Settings s) {
        Optional<Duration> duration = s.raw(DURATION).map(v -> s.duration(DURATION, Duration.ofSeconds(1),
                Duration.ofDays(7)));
        Scenario scenario = Scenario.valueOf(s.choice(SCENARIO, "none", "greeter-outage", "worker-outage")
                .toUpperCase().replace('-', '_'));
        if (scenario != Scenario.NONE && duration.isEmpty()) {
            s.problem(SCENARIO.label() + " needs " + DURATION.label() + ": the outage takes its middle third");
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
                scenario);
        s.validate();
        return o;
    }
}
