package dev.interactiondemo.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a JFR recording. CPU: the samples ({@code jdk.ExecutionSample}) by thread, the hottest methods by self
 * time (top frame) and by total time (anywhere on the stack), and the share by package of the top frame. Waiting:
 * the time threads spent parked, blocked on a monitor, sleeping or reading a socket (events over JFR's threshold,
 * 10-20 ms with the profile settings), by the innermost frame of {@code dev.interactiondemo} code (else the
 * innermost non-JDK frame) that waited. Usage: {@code JfrTop <file.jfr> [rows] [thread-name-filter]}.
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String threadFilter = args.length > 2 ? args[2] : null;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        Map<String, Double> waits = new HashMap<>();
        Map<String, Integer> wall = new HashMap<>();
        int wallSamples = 0;
        Map<String, Double> waitKinds = new HashMap<>();
        double waitedSeconds = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (WAITS.contains(type)) {
                String thread = e.getThread() == null ? "?" : e.getThread().getJavaName();
                if (threadFilter != null && (thread == null || !thread.contains(threadFilter))) {
                    continue;
                }
                double seconds = e.getDuration().toNanos() / 1e9;
                waitedSeconds += seconds;
                waits.merge(waiter(e.getStackTrace()), seconds, Double::sum);
                waitKinds.merge(type, seconds, Double::sum);
                continue;
            }
            if (type.equals("jdk.NativeMethodSample") || type.equals("jdk.ExecutionSample")) {
                String thread = e.getThread("sampledThread") == null ? "?"
                        : e.getThread("sampledThread").getJavaName();
                if (threadFilter == null || (thread != null && thread.contains(threadFilter))) {
                    wallSamples++;
                    wall.merge(ourFrameAndCallee(e.getStackTrace()), 1, Integer::sum);
                }
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            if (threadFilter != null && (thread == null || !thread.contains(threadFilter))) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            threads.merge(String.valueOf(thread).replaceAll("\\d+", "N"), 1, Integer::sum);
            RecordedFrame top = st.getFrames().get(0);
            self.merge(name(top), 1, Integer::sum);
            packages.merge(pkg(top), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : st.getFrames()) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%s: %d CPU samples%s%n", file.getFileName(), samples,
                threadFilter == null ? "" : " on threads matching '" + threadFilter + "'");
        print("threads", threads, samples, rows);
        print("self (top frame)", self, samples, rows);
        print("total (anywhere on the stack)", total, samples, rows);
        print("top frame by package", packages, samples, rows);
        System.out.printf("%nrunning or in native code (CPU and native-method samples, e.g. waiting in epoll): %d "
                + "samples, by our innermost frame and what it called:%n", wallSamples);
        print("", wall, wallSamples, rows);
        System.out.printf("%nwaiting: %.1f thread-seconds%s%n", waitedSeconds,
                threadFilter == null ? "" : " on threads matching '" + threadFilter + "'");
        printSeconds("by kind", waitKinds, rows);
        printSeconds("by the code that waited", waits, rows);
    }

    private static final Set<String> WAITS = Set.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait",
            "jdk.ThreadSleep", "jdk.SocketRead");

    /** The innermost frame of our code on the stack, else the innermost frame outside the JDK. */
    private static String waiter(RecordedStackTrace st) {
        if (st == null) {
            return "?";
        }
        String firstNonJdk = null;
        for (RecordedFrame f : st.getFrames()) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("dev.interactiondemo.")) {
                return name(f) + ":" + f.getLineNumber();
            }
            if (firstNonJdk == null && !type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                firstNonJdk = name(f);
            }
        }
        return firstNonJdk == null ? name(st.getFrames().get(0)) : firstNonJdk;
    }

    /** "Our.innermost(line) -> callee": the code of ours a sample is in, and what it was doing there. */
    private static String ourFrameAndCallee(RecordedStackTrace st) {
        if (st == null || st.getFrames().isEmpty()) {
            return "?";
        }
        var frames = st.getFrames();
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).getMethod().getType().getName().startsWith("dev.interactiondemo.")) {
                String callee = i > 0 ? " -> " + name(frames.get(i - 1)) : " (itself)";
                return name(frames.get(i)) + ":" + frames.get(i).getLineNumber() + callee;
            }
        }
        return "(no frame of ours) " + name(frames.get(0));
    }

    private static void printSeconds(String title, Map<String, Double> seconds, int rows) {
        System.out.println("\n" + title + ":");
        seconds.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(rows)
                .forEach(e -> System.out.printf("  %8.1f s  %s%n", e.getValue(), e.getKey()));
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
        System.out.println("\n" + title + ":");
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(rows)
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((k, v) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * v / Math.max(1, samples), k));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String pkg(RecordedFrame f) {
        String t = f.getMethod().getType().getName();
        String[] parts = t.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, parts.length - 1); i++) {
            sb.append(i == 0 ? "" : ".").append(parts[i]);
        }
        return sb.toString();
    }
}
