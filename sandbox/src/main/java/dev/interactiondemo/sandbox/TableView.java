package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** A live table, one row per interval, with the header repeated now and then; the conditions at the end. */
final class TableView implements StatusView {
    private static final String FORMAT = "%-8s  %-12s  %-8s  %8s  %8s  %6s  %7s  %7s  %5s  %8s  %8s  %4s  %4s  %s%n";
    private final PrintStream out;
    private int rows;

    TableView(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(InteractionDemoStatus s) {
        if (rows++ % 20 == 0) {
            out.printf(FORMAT, "TIME", "GREETER", "WORKER", "PRODUCED", "CONSUMED", "LAG", "PROD/S", "CONS/S",
                    "ERR%", "E2E p50", "E2E p99", "DUP", "LOST", "FAULTS");
        }
        var m = s.getMessages();
        var d = s.getDelivery();
        var w = s.getWorker();
        String worker = w.getReplicas() == 0 ? "stopped"
                : w.getReplicas() > 1 ? w.getReadyReplicas() + "/" + w.getReplicas() + " up"
                : w.getReadyReplicas() > 0 ? "running" : "down";
        var g = s.getGreeter();
        String greeter = g.getReplicas() == 0 ? "stopped" : g.getServing();
        List<String> faults = s.getFaults() == null ? List.of() : s.getFaults();
        out.printf(FORMAT, LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), greeter,
                worker, m == null ? "?" : m.getProduced(), m == null ? "?" : m.getConsumed(),
                m == null ? "?" : m.getLag(), m == null ? "?" : m.getProducedPerSecond(),
                m == null ? "?" : m.getConsumedPerSecond(), g.getErrorRate() == null ? 0 : Math.round(g.getErrorRate() * 100),
                ms(d.getEndToEndLatencyP50Ms()), ms(d.getEndToEndLatencyP99Ms()), d.getDuplicates(), d.getLost(),
                faults.isEmpty() ? "-" : String.join(",", faults));
        out.flush();
    }

    @Override
    public void last(InteractionDemoStatus s) {
        out.println();
        var m = s.getMessages();
        var d = s.getDelivery();
        if (m != null) {
            out.printf("Whole run: %d produced, %d consumed, %d waiting; %s/s produced, %s/s consumed on average;"
                            + " end-to-end p50 %s, p99 %s; %d duplicates, %d lost%n", m.getProduced(),
                    m.getConsumed(), m.getLag(), m.getProducedPerSecond(), m.getConsumedPerSecond(),
                    ms(d.getEndToEndLatencyP50Ms()), ms(d.getEndToEndLatencyP99Ms()), d.getDuplicates(), d.getLost());
        }
        out.println("Final status (as the operator would write it on an InteractionDemo):");
        for (var c : s.getConditions()) {
            out.printf("  %-18s %-7s %-18s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
        }
        out.flush();
    }

    /** A latency, or "-" when there is none (nothing was delivered): never a false zero. */
    static String ms(Double latency) {
        return latency == null ? "-" : latency + "ms";
    }
}
