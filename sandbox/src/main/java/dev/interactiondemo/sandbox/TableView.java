package dev.interactiondemo.sandbox;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** A live table, one row per interval, with the header repeated now and then; the conditions at the end. */
final class TableView implements StatusView {
    private static final String FORMAT = "%-8s  %-12s  %-8s  %8s  %8s  %6s  %7s  %7s  %8s  %8s  %4s  %4s%n";
    private final PrintStream out;
    private int rows;

    TableView(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(SandboxStatus s) {
        if (rows++ % 20 == 0) {
            out.printf(FORMAT, "TIME", "GREETER", "WORKER", "PRODUCED", "CONSUMED", "LAG", "PROD/S", "CONS/S",
                    "E2E p50", "E2E p99", "DUP", "LOST");
        }
        var m = s.messages();
        out.printf(FORMAT, LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), s.greeter().serving(),
                s.consumer().running() ? (s.consumer().notReadyReason() == null ? "running" : "waiting") : "stopped",
                m == null ? "?" : m.produced(), m == null ? "?" : m.consumed(), m == null ? "?" : m.lag(),
                m == null ? "?" : m.producedPerSecond(), m == null ? "?" : m.consumedPerSecond(),
                m == null ? "?" : m.endToEndLatencyP50Ms() + "ms", m == null ? "?" : m.endToEndLatencyP99Ms() + "ms",
                m == null ? "?" : m.duplicates(), m == null ? "?" : m.lost());
        out.flush();
    }

    @Override
    public void last(SandboxStatus s) {
        out.println();
        var m = s.messages();
        if (m != null) {
            out.printf("Whole run: %d produced, %d consumed, %d waiting; %s/s produced, %s/s consumed on average;"
                            + " end-to-end p50 %sms, p99 %sms; %d duplicates, %d lost%n", m.produced(), m.consumed(),
                    m.lag(), m.producedPerSecond(), m.consumedPerSecond(), m.endToEndLatencyP50Ms(),
                    m.endToEndLatencyP99Ms(), m.duplicates(), m.lost());
        }
        out.println("Final status (as the operator would write it on an InteractionDemo):");
        for (var c : s.conditions()) {
            out.printf("  %-18s %-7s %-18s %s%n", c.type(), c.status(), c.reason(), c.message());
        }
        out.flush();
    }
}
