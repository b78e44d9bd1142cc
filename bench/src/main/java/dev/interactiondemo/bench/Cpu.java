package dev.interactiondemo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time from /proc, in clock ticks (1/100 s): per process, of reaped children, and of the whole machine. */
final class Cpu {
    static final double TICKS_PER_SECOND = 100.0;

    private Cpu() {
    }

    /** utime + stime of a live process. */
    static long process(long pid) {
        return statFields(Path.of("/proc", Long.toString(pid), "stat"), 11, 12);
    }

    /** stime of a live process: CPU time spent in the kernel on its behalf (system calls, wake-ups). */
    static long system(long pid) {
        return statFields(Path.of("/proc", Long.toString(pid), "stat"), 12, -1);
    }

    /** Context switches (voluntary and not) of all of a process's live threads. */
    static long contextSwitches(long pid) {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /** CPU time per message in µs: {@code ticks} over {@code messages} (NaN when there were none). */
    static double microsPerMessage(long ticks, double messages) {
        return messages <= 0 ? Double.NaN : ticks * (1e6 / TICKS_PER_SECOND) / messages;
    }

    /** cutime + cstime of this JVM: the CPU time of the children it has waited for. */
    static long reapedChildren() {
        return statFields(Path.of("/proc/self/stat"), 13, 14);
    }

    private static long statFields(Path stat, int a, int b) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "(comm) ": state=0 ... utime=11, stime=12, cutime=13, cstime=14
            return Long.parseLong(f[a]) + (b < 0 ? 0 : Long.parseLong(f[b]));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The whole machine's busy and total ticks, summed over all CPUs. */
    record Machine(long busy, long total) {
        static Machine now() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i <= 8 && i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new Machine(total - idle, total);
            } catch (IOException | RuntimeException e) {
                return new Machine(0, 0);
            }
        }

        /** The fraction of all CPUs that was idle since {@code before}. */
        double idleSince(Machine before) {
            double total = this.total - before.total;
            return total <= 0 ? Double.NaN : 1 - (busy - before.busy) / total;
        }
    }
}
