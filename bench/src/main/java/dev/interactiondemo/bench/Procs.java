package dev.interactiondemo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child processes: started (optionally pinned to CPUs with taskset), logged to a file, measured, stopped. */
final class Procs {
    /** Every child still running: stopped by a shutdown hook if the benchmark itself is stopped (Ctrl-C, SIGTERM). */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RUNNING.forEach(Process::destroy);
            RUNNING.forEach(p -> {
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            });
        }, "stop-children"));
    }

    private Procs() {
    }

    /** A started child process and its log. */
    record Child(String name, Process process, Path log, long startNanos) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Resident set size now, in MiB (VmRSS). */
        double rssMiB() {
            return statusKb("VmRSS") / 1024.0;
        }

        /** Anonymous resident memory, in MiB (RssAnon): the heap, stacks and native allocations, not mapped files. */
        double anonMiB() {
            return statusKb("RssAnon") / 1024.0;
        }

        /** Peak resident set size, in MiB (VmHWM). */
        double peakRssMiB() {
            return statusKb("VmHWM") / 1024.0;
        }

        private long statusKb(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                // gone
            }
            return -1;
        }

        void requireAlive() {
            if (!alive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n"
                        + tail(log, 30));
            }
        }

        /** SIGTERM, then SIGKILL after 15 s. */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts {@code command}; {@code cpus} (e.g. "0") pins it with taskset, null leaves it free. stdout and stderr go
     * to {@code logDir/name.log}.
     */
    static Child start(String name, List<String> command, String cpus, Path logDir, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.addAll(command);
        Path log = logDir.resolve(name + ".log");
        try {
            Files.createDirectories(logDir);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().putAll(env);
            Log.info("start %s: %s", name, String.join(" ", abbreviate(cmd)));
            Process p = pb.start();
            RUNNING.add(p);
            p.onExit().thenRun(() -> RUNNING.remove(p));
            return new Child(name, p, log, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Runs {@code command} to its end (at most {@code timeout}); returns its output; fails on a non-zero exit. */
    static String run(String name, List<String> command, String cpus, Path logDir, Duration timeout) {
        try (Child c = start(name, command, cpus, logDir, Map.of())) {
            if (!c.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout + "; log " + c.log());
            }
            String out = Files.readString(c.log());
            if (c.process().exitValue() != 0) {
                throw new IllegalStateException(name + " exited with " + c.process().exitValue() + ":\n"
                        + tail(c.log(), 30));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java launcher of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until something accepts connections on {@code port}; fails early when {@code child} exits. */
    static void awaitPort(Child child, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            child.requireAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
        throw new IllegalStateException(child.name() + " does not listen on " + port + " after " + timeout);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static List<String> abbreviate(List<String> cmd) {
        List<String> out = new ArrayList<>();
        for (String s : cmd) {
            out.add(s.length() > 120 ? s.substring(0, 60) + "…(" + s.length() + " chars)" : s);
        }
        return out;
    }
}
