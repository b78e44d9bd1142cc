package dev.interactiondemo.greeter;

import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Settings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Greeter's configuration: environment variables, overridden by flags, validated at start-up. */
public record GreeterConfig(int port, int metricsPort, int maxNameLength, Duration responseDelay,
                            Duration drainDelay, Duration shutdownGrace, double faultErrorRate,
                            boolean faultUnavailable) {

    static final Option PORT = Option.of("GREETER_PORT", "port", String.valueOf(Defaults.GREETER_PORT), "gRPC port");
    static final Option METRICS_PORT = Option.of("GREETER_METRICS_PORT", "metrics-port",
            String.valueOf(Defaults.GREETER_METRICS_PORT), "HTTP port for /metrics, /healthz and /readyz");
    static final Option MAX_NAME_LENGTH = Option.of("GREETER_MAX_NAME_LENGTH", "max-name-length",
            String.valueOf(Defaults.MAX_NAME_LENGTH), "longest name SayHello accepts, in characters (1-65536)");
    static final Option RESPONSE_DELAY = Option.of("GREETER_RESPONSE_DELAY", "response-delay", Defaults.RESPONSE_DELAY,
            "artificial latency added to every reply (0-60s)");
    static final Option DRAIN_DELAY = Option.of("GREETER_DRAIN_DELAY", "drain-delay", "0s",
            "on SIGTERM: how long to report NOT_SERVING while still accepting calls (0-5m)");
    static final Option SHUTDOWN_GRACE = Option.of("GREETER_SHUTDOWN_GRACE", "shutdown-grace", "20s",
            "on SIGTERM: how long in-flight calls get to finish (0-5m)");
    static final Option FAULT_ERROR_RATE = Option.of("GREETER_FAULT_ERROR_RATE", "fault-error-rate", "0",
            "fault: the share of SayHello calls answered UNAVAILABLE (0-1)");
    static final Option FAULT_UNAVAILABLE = Option.of("GREETER_FAULT_UNAVAILABLE", "fault-unavailable", "false",
            "fault: true refuses every SayHello with UNAVAILABLE and reports NOT_SERVING, the process still running");
    public static final List<Option> OPTIONS = List.of(PORT, METRICS_PORT, MAX_NAME_LENGTH, RESPONSE_DELAY,
            DRAIN_DELAY, SHUTDOWN_GRACE, FAULT_ERROR_RATE, FAULT_UNAVAILABLE);

    /** Reads and validates; throws {@link dev.interactiondemo.common.ConfigException} naming every bad value. */
    public static GreeterConfig from(Settings s) {
        GreeterConfig c = new GreeterConfig(
                s.integer(PORT, 0, 65535),
                s.integer(METRICS_PORT, 0, 65535),
                s.integer(MAX_NAME_LENGTH, 1, 65536),
                s.duration(RESPONSE_DELAY, Duration.ZERO, Duration.ofSeconds(60)),
                s.duration(DRAIN_DELAY, Duration.ZERO, Duration.ofMinutes(5)),
                s.duration(SHUTDOWN_GRACE, Duration.ZERO, Duration.ofMinutes(5)),
                s.decimal(FAULT_ERROR_RATE, 0, 1),
                s.choice(FAULT_UNAVAILABLE, "false", "true").equals("true"));
        if (c.port != 0 && c.port == c.metricsPort) {
            s.problem(PORT.label() + " and " + METRICS_PORT.label() + " must differ (both are " + c.port + ")");
        }
        s.validate();
        return c;
    }

    public static GreeterConfig from(String[] args, Map<String, String> env) {
        return from(Settings.parse(OPTIONS, args, env));
    }

    /** The fault switches as configured at start-up; they can be flipped afterwards. */
    public GreeterFaults faults() {
        return new GreeterFaults(faultErrorRate, faultUnavailable);
    }
}
