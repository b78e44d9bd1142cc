package dev.interactiondemo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the machine is, and how busy other work kept it while the benchmarks ran. */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", cpuModel());
        m.put("memoryGiB", Math.round(memTotalKb() / 1024.0 / 1024.0));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long memTotalKb() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    static double loadAverage1m() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * CPU time of the whole machine and of this process with its reaped children, so that what other work used over
     * an interval is the difference (every child of a section is stopped and reaped before its end).
     */
    record CpuSnapshot(long nanos, long machineBusyTicks, long oursTicks) {
        static CpuSnapshot now() {
            return new CpuSnapshot(System.nanoTime(), machineBusy(), ours());
        }

        /** Average number of cores other work kept busy since {@code this}. */
        double otherCoresSince(CpuSnapshot before) {
            double seconds = (nanos - before.nanos) / 1e9;
            double ticks = (machineBusyTicks - before.machineBusyTicks) - (oursTicks - before.oursTicks);
            return Math.max(0, ticks / TICKS_PER_SECOND / seconds);
        }

        /** Average number of cores the benchmark itself (this JVM and its children) used since {@code before}. */
        double ourCoresSince(CpuSnapshot before) {
            double seconds = (nanos - before.nanos) / 1e9;
            return (oursTicks - before.oursTicks) / TICKS_PER_SECOND / seconds;
        }
    }

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private static long machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ours() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // fields after "(comm) ": state is index 0; utime=11, stime=12, cutime=13, cstime=14
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The processes using the most CPU right now, other than this one: what else runs on the machine. */
    static List<String> topOthers() {
        try {
            Process p = new ProcessBuilder("ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines().map(String::trim).filter(l -> !l.isEmpty()).limit(6).toList();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
