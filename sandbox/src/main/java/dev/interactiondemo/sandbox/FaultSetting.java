package dev.interactiondemo.sandbox;

import java.util.List;
import java.util.Locale;

/**
 * One fault switch, as {@code --fault name=value} or the page gives it: the same switches as an InteractionDemo's
 * {@code spec.faults}. A rate of 0 or {@code false} switches the fault off.
 */
record FaultSetting(String name, String value) {
    static final String GREETER_ERROR_RATE = "greeter.errorRate";
    static final String GREETER_UNAVAILABLE = "greeter.unavailable";
    static final String WORKER_FAIL_BEFORE_COMMIT = "worker.failBeforeCommit";
    static final String KAFKA_CUT_HOST = "kafka.cutHost";
    static final List<String> NAMES = List.of(GREETER_ERROR_RATE, GREETER_UNAVAILABLE, WORKER_FAIL_BEFORE_COMMIT,
            KAFKA_CUT_HOST);

    /** Parses {@code name=value}; the message of the exception names what is wrong. */
    static FaultSetting parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("'" + text + "' is not name=value, e.g. greeter.errorRate=0.3");
        }
        return of(text.substring(0, eq).trim(), text.substring(eq + 1).trim());
    }

    /** Checks the name and the value, and gives the value in canonical form ({@code 0.3}, {@code true}). */
    static FaultSetting of(String name, String value) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown fault '" + name + "': one of " + String.join(", ", NAMES));
        }
        if (isRate(name)) {
            double d;
            try {
                d = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": '" + value + "' is not a number (0-1)");
            }
            if (!(d >= 0 && d <= 1)) {
                throw new IllegalArgumentException(name + ": " + value + " is out of range [0, 1]");
            }
            return new FaultSetting(name, String.valueOf(d));
        }
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not true or false");
        }
        return new FaultSetting(name, v);
    }

    /** The setting that switches fault {@code name} off. */
    static FaultSetting off(String name) {
        return of(name, isRate(name) ? "0" : "false");
    }

    static boolean isRate(String name) {
        return name.equals(GREETER_ERROR_RATE) || name.equals(WORKER_FAIL_BEFORE_COMMIT);
    }

    double rate() {
        return Double.parseDouble(value);
    }

    boolean flag() {
        return Boolean.parseBoolean(value);
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
