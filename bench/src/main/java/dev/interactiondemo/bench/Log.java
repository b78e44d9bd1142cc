package dev.interactiondemo.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress on stderr; the results go to files and the ratios to stdout. */
final class Log {
    private Log() {
    }

    static void info(String format, Object... args) {
        System.err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " bench: " + String.format(format, args));
    }
}
