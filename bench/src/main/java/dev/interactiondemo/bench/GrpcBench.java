package dev.interactiondemo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Greeter's unary SayHello under ghz, side by side with a bare grpc-java server serving the same proto. Each
 * server gets core 0 ({@code taskset -c 0}), ghz core 1 ({@code taskset -c 1}, {@code --cpus 1}). At 1 connection
 * (one call at a time: latency) and at 50 connections with 50 concurrent calls (throughput). Every measurement is
 * preceded by a warm-up run against the same server; with repetitions, the order of the two servers alternates and
 * the median is kept.
 */
final class GrpcBench {
    static final List<Integer> CONNECTIONS = List.of(1, 50);
    private static final String SERVER_CPU = "0";
    private static final String LOADGEN_CPU = "1";

    private final BenchContext ctx;
    private final Report report;

    GrpcBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    /** One ghz run's numbers. Latencies in milliseconds. */
    record Run(double qps, double p50, double p90, double p99, long ok, long errors, long cutAtEnd,
               double serverCpuMicrosPerCall, double serverCoreBusy, double loadgenCoreBusy) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("qps", Report.round(qps, 1));
            m.put("p50Ms", Report.round(p50, 4));
            m.put("p90Ms", Report.round(p90, 4));
            m.put("p99Ms", Report.round(p99, 4));
            m.put("ok", ok);
            m.put("errors", errors);
            m.put("cutAtEnd", cutAtEnd);
            m.put("serverCpuMicrosPerCall", Report.round(serverCpuMicrosPerCall, 2));
            m.put("serverCoreBusy", Report.round(serverCoreBusy, 3));
            m.put("loadgenCoreBusy", Report.round(loadgenCoreBusy, 3));
            return m;
        }
    }

    void run() {
        int oursPort = Procs.freePort();
        int basePort = Procs.freePort();
        List<String> oursCmd = new ArrayList<>(List.of(Procs.java()));
        List<String> baseCmd = new ArrayList<>(List.of(Procs.java()));
        if (ctx.jfr()) {
            oursCmd.add(ctx.jfrOption("greeter-ours"));
            baseCmd.add(ctx.jfrOption("greeter-baseline"));
        }
        oursCmd.addAll(List.of("-jar", ctx.greeterJar().toString(), "--port", Integer.toString(oursPort),
                "--metrics-port", Integer.toString(Procs.freePort())));
        baseCmd.addAll(List.of("-cp", ctx.classPath(), BaselineGreeterServer.class.getName(),
                Integer.toString(basePort)));
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        try (Procs.Child ours = Procs.start("greeter-ours", oursCmd, SERVER_CPU, ctx.logs(), Map.of());
             Procs.Child base = Procs.start("greeter-baseline", baseCmd, SERVER_CPU, ctx.logs(), Map.of())) {
            Procs.awaitPort(ours, oursPort, Duration.ofSeconds(60));
            Procs.awaitPort(base, basePort, Duration.ofSeconds(60));
            for (int rep = 0; rep < ctx.mode().grpcRepetitions(); rep++) {
                for (int c : CONNECTIONS) {
                    List<String> order = rep % 2 == 0 ? List.of("ours", "baseline") : List.of("baseline", "ours");
                    for (String server : order) {
                        int port = server.equals("ours") ? oursPort : basePort;
                        Procs.Child process = server.equals("ours") ? ours : base;
                        ghz(port, c, ctx.mode().grpcWarmupSeconds(), process);
                        Run r = ghz(port, c, ctx.mode().grpcSeconds(), process);
                        runs.computeIfAbsent(server + "@" + c, k -> new ArrayList<>()).add(r);
                        Log.info("gRPC %s, %d connection(s): %.0f QPS, p50 %.3f ms, p99 %.3f ms, %d errors, "
                                + "server %.1f µs CPU per call, server core %.0f%% busy, ghz core %.0f%%", server, c,
                                r.qps(), r.p50(), r.p99(), r.errors(), r.serverCpuMicrosPerCall(),
                                r.serverCoreBusy() * 100, r.loadgenCoreBusy() * 100);
                    }
                }
            }
            ours.requireAlive();
            base.requireAlive();
        }
        Map<String, Object> json = report.section("grpc");
        json.put("loadGenerator", "ghz " + ghzVersion() + " (taskset -c " + LOADGEN_CPU + ", --cpus 1), servers on "
                + "taskset -c " + SERVER_CPU);
        json.put("call", "greet.Greeter.SayHello {\"name\":\"Ada\"}");
        json.put("warmupSeconds", ctx.mode().grpcWarmupSeconds());
        json.put("seconds", ctx.mode().grpcSeconds());
        json.put("repetitions", ctx.mode().grpcRepetitions());
        Map<String, Object> results = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder("## gRPC: the Greeter vs a bare grpc-java server\n\n")
                .append("ghz on core 1, each server on core 0; median of ").append(ctx.mode().grpcRepetitions())
                .append(" run(s) of ").append(ctx.mode().grpcSeconds()).append(" s after a ")
                .append(ctx.mode().grpcWarmupSeconds()).append(" s warm-up.\n\n")
                .append("| connections | server | QPS | p50 (ms) | p90 (ms) | p99 (ms) | server CPU per call (µs) "
                        + "| errors | server core busy | ghz core busy |\n")
                .append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int c : CONNECTIONS) {
            Map<String, Run> medians = new LinkedHashMap<>();
            for (String server : List.of("ours", "baseline")) {
                List<Run> rs = runs.get(server + "@" + c);
                Run m = median(rs);
                medians.put(server, m);
                Map<String, Object> entry = new LinkedHashMap<>(m.json());
                entry.put("runs", rs.stream().map(Run::json).toList());
                results.put(server + "@" + c + "conn", entry);
                md.append(String.format(Locale.ROOT, "| %d | %s | %s | %.3f | %.3f | %.3f | %.1f | %d | %.0f %% | %.0f %% |%n",
                        c, server.equals("ours") ? "our Greeter" : "bare grpc-java", Report.fmt(m.qps()), m.p50(),
                        m.p90(), m.p99(), m.serverCpuMicrosPerCall(), m.errors(), m.serverCoreBusy() * 100,
                        m.loadgenCoreBusy() * 100));
            }
            Run o = medians.get("ours");
            Run b = medians.get("baseline");
            report.ratio("grpc", "QPS at " + c + " connection(s) (Greeter / bare grpc-java)", o.qps(), b.qps(), "QPS",
                    "higher", "throughput of our Greeter relative to the bare server");
            report.ratio("grpc", "p99 at " + c + " connection(s) (Greeter / bare grpc-java)", o.p99(), b.p99(), "ms",
                    "lower", "tail latency of our Greeter relative to the bare server");
            report.ratio("grpc", "server CPU per call at " + c + " connection(s) (Greeter / bare grpc-java)",
                    o.serverCpuMicrosPerCall(), b.serverCpuMicrosPerCall(), "µs", "lower",
                    "what a call costs the server, whether or not the load generator saturates it");
        }
        json.put("results", results);
        report.markdown(md.toString());
    }

    private Run ghz(int port, int connections, int seconds, Procs.Child server) {
        long[] cpuBefore = cpuTicks();
        long serverBefore = Cpu.process(server.pid());
        String out = Procs.run("ghz-" + port + "-" + connections, List.of(ctx.ghz(), "--insecure",
                "--proto", ctx.repo().resolve("contracts/src/main/proto/greet.proto").toString(),
                "--call", "greet.Greeter.SayHello", "-d", "{\"name\":\"Ada\"}",
                "--connections", Integer.toString(connections), "-c", Integer.toString(connections),
                "--cpus", "1", "-z", seconds + "s", "-O", "json", "127.0.0.1:" + port),
                LOADGEN_CPU, ctx.logs(), Duration.ofSeconds(seconds + 60L));
        long[] cpuAfter = cpuTicks();
        long serverTicks = Cpu.process(server.pid()) - serverBefore;
        try {
            JsonNode j = new ObjectMapper().readTree(out.substring(out.indexOf('{')));
            Map<Integer, Double> pct = new LinkedHashMap<>();
            for (JsonNode d : j.path("latencyDistribution")) {
                pct.put(d.path("percentage").asInt(), d.path("latency").asDouble() / 1e6);
            }
            long ok = j.path("statusCodeDistribution").path("OK").asLong();
            // Calls still in flight when ghz closes its connections at the end of -z fail with "use of closed
            // network connection": an artefact of stopping, counted apart from real errors.
            long errors = 0;
            long cut = 0;
            var it = j.path("errorDistribution").fields();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getKey().contains("use of closed network connection")) {
                    cut += e.getValue().asLong();
                } else {
                    errors += e.getValue().asLong();
                }
            }
            return new Run(j.path("rps").asDouble(), pct.getOrDefault(50, Double.NaN), pct.getOrDefault(90, Double.NaN),
                    pct.getOrDefault(99, Double.NaN), ok, errors, cut, serverTicks * 10_000.0 / Math.max(1, ok + cut),
                    busy(cpuBefore, cpuAfter, 0), busy(cpuBefore, cpuAfter, 1));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read ghz's report: " + e + "\n" + out, e);
        }
    }

    private String ghzVersion() {
        try {
            String mod = Procs.run("ghz-version", List.of("go", "version", "-m", ctx.ghz()), null, ctx.logs(),
                    java.time.Duration.ofSeconds(30));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("mod\\s+github.com/bojand/ghz\\s+(\\S+)")
                    .matcher(mod);
            if (m.find()) {
                return m.group(1);
            }
        } catch (RuntimeException e) {
            // no go: ask ghz
        }
        try {
            return Procs.run("ghz-version", List.of(ctx.ghz(), "--version"), null, ctx.logs(), Duration.ofSeconds(30))
                    .trim();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static Run median(List<Run> rs) {
        return new Run(med(rs, Run::qps), med(rs, Run::p50), med(rs, Run::p90), med(rs, Run::p99),
                (long) med(rs, r -> r.ok()), (long) med(rs, r -> r.errors()), (long) med(rs, r -> r.cutAtEnd()),
                med(rs, Run::serverCpuMicrosPerCall), med(rs, Run::serverCoreBusy), med(rs, Run::loadgenCoreBusy));
    }

    private static double med(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Per-CPU busy and total ticks from /proc/stat: [busy0, total0, busy1, total1]. */
    static long[] cpuTicks() {
        long[] out = new long[4];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                for (int cpu = 0; cpu < 2; cpu++) {
                    if (line.startsWith("cpu" + cpu + " ")) {
                        long[] f = Arrays.stream(line.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
                        long total = Arrays.stream(f).limit(8).sum();
                        long idle = f[3] + f[4];
                        out[cpu * 2] = total - idle;
                        out[cpu * 2 + 1] = total;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static double busy(long[] before, long[] after, int cpu) {
        double total = after[cpu * 2 + 1] - before[cpu * 2 + 1];
        return total <= 0 ? Double.NaN : (after[cpu * 2] - before[cpu * 2]) / total;
    }
}
