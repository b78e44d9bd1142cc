package dev.interactiondemo.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One demo's footprint: the Greeter, a Host and a Worker started as their Deployments start them (the image's JVM
 * options, the container's environment, the heap sized from the container's memory limit) against the bench's
 * broker, at the demo's default rate, for {@link #STEADY_SECONDS}: for each part the time from process start to
 * {@code /readyz} 200, then its resident and anonymous memory and its CPU; and for the demo, their sum and how many
 * such demos a 16 GiB node holds, by the pods' memory requests and by what they use.
 */
final class FootprintBench {
    /** How long the parts run at the default rate before they are measured (the probe: 60 s). */
    static final int STEADY_SECONDS = 60;
    /** The node of a classroom, in bytes. */
    static final long NODE_BYTES = 16L << 30;
    /** The goals: the three parts' memory together, and each part ready within this time of its start. */
    static final double GOAL_DEMO_MIB = 160;
    static final double GOAL_READY_SECONDS = 1.5;
    /** The demo's topic: the CRD's default partitions. */
    private static final int PARTITIONS = 3;

    private final BenchContext ctx;
    private final Report report;

    FootprintBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() {
        try (BenchBroker broker = BenchBroker.start(ctx.work(), ctx.classPath())) {
            List<PartTemplates.Part> parts = PartTemplates.ofDefaultDemo(broker.bootstrap);
            List<String> jvmFlags = PartTemplates.imageJvmFlags(ctx.repo());
            PartTemplates.Part host = parts.get(1);
            broker.createTopic(host.env().get("NOTIFIER_TOPIC"), PARTITIONS);
            List<Procs.Child> running = new ArrayList<>();
            try {
                Map<String, Integer> ports = new HashMap<>();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (PartTemplates.Part part : parts) {
                    int http = Procs.freePort();
                    ports.put(part.name(), http);
                    Procs.Child child = start(part, jvmFlags, http, ports);
                    running.add(child);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("part", part.name());
                    row.put("readySeconds", Report.round(awaitReady(child, http), 2));
                    rows.add(row);
                }
                long[] cpuBefore = running.stream().mapToLong(c -> Cpu.process(c.pid())).toArray();
                long t0 = System.nanoTime();
                Procs.sleep(STEADY_SECONDS * 1000L);
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (int i = 0; i < parts.size(); i++) {
                    measure(rows.get(i), parts.get(i), running.get(i), cpuBefore[i], seconds);
                }
                Prom worker = Prom.scrape(ports.get("worker"));
                Map<String, Object> json = report.section("footprint");
                json.put("jvmFlags", jvmFlags);
                json.put("steadySeconds", STEADY_SECONDS);
                json.put("rate", host.env().get("NOTIFIER_RATE"));
                json.put("delivered", worker.sum("notifier_delivered_total"));
                json.put("lost", worker.sum("notifier_lost_total"));
                json.put("parts", rows);
                Map<String, Object> demo = demo(rows, parts);
                json.put("demo", demo);
                markdown(rows, demo, jvmFlags, json);
                report.ratio("footprint", "demo memory / goal", (double) demo.get("rssMiB"), GOAL_DEMO_MIB, "MiB",
                        "lower", "one demo's three parts' resident memory at the default rate, against the goal");
                report.ratio("footprint", "slowest ready / goal", (double) demo.get("slowestReadySeconds"),
                        GOAL_READY_SECONDS, "s", "lower", "the slowest part's time from start to /readyz, against "
                                + "the goal");
            } finally {
                for (int i = running.size() - 1; i >= 0; i--) {
                    running.get(i).close();
                }
            }
        }
    }

    /**
     * Starts a part as its container does, on this machine: the image's JVM options, the JVM told the container's
     * memory and CPU limits, the container's environment with the addresses and ports of this machine.
     */
    private Procs.Child start(PartTemplates.Part part, List<String> jvmFlags, int http, Map<String, Integer> ports) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        cmd.addAll(jvmFlags);
        cmd.add("-XX:MaxRAM=" + part.memoryLimit());
        if (!Double.isNaN(part.cpuLimit())) {
            cmd.add("-XX:ActiveProcessorCount=" + Math.max(1, (int) Math.ceil(part.cpuLimit())));
        }
        Map<String, String> env = new LinkedHashMap<>(part.env());
        env.put("LOG_FORMAT", "text");
        if (part.name().equals("greeter")) {
            cmd.addAll(List.of("-jar", ctx.greeterJar().toString()));
            env.put("GREETER_PORT", Integer.toString(Procs.freePort()));
            env.put("GREETER_METRICS_PORT", Integer.toString(http));
            ports.put("greeter-grpc", Integer.parseInt(env.get("GREETER_PORT")));
        } else {
            cmd.addAll(List.of("-jar", ctx.notifierJar().toString()));
            env.put("NOTIFIER_HTTP_PORT", Integer.toString(http));
            env.put("GREETER_TARGET", "localhost:" + ports.get("greeter-grpc"));
        }
        return Procs.start("footprint-" + part.name(), cmd, null, ctx.logs(), env);
    }

    /** Seconds from the process's start to its first {@code /readyz} 200. */
    private static double awaitReady(Procs.Child child, int http) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Prom.status(http, "/readyz") != 200) {
            child.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(child.name() + " not ready after 60 s; log " + child.log());
            }
            Procs.sleep(10);
        }
        return (System.nanoTime() - child.startNanos()) / 1e9;
    }

    private static void measure(Map<String, Object> row, PartTemplates.Part part, Procs.Child child, long cpuBefore,
                                double seconds) {
        child.requireAlive();
        row.put("rssMiB", Report.round(child.rssMiB(), 1));
        row.put("anonMiB", Report.round(child.anonMiB(), 1));
        row.put("peakRssMiB", Report.round(child.peakRssMiB(), 1));
        row.put("cores", Report.round((Cpu.process(child.pid()) - cpuBefore) / Cpu.TICKS_PER_SECOND / seconds, 3));
        row.put("memoryRequestMiB", part.memoryRequest() >> 20);
        row.put("memoryLimitMiB", part.memoryLimit() >> 20);
    }

    /** The three parts together, and the demos a 16 GiB node holds by requests and by use. */
    private static Map<String, Object> demo(List<Map<String, Object>> rows, List<PartTemplates.Part> parts) {
        double rss = rows.stream().mapToDouble(r -> (double) r.get("rssMiB")).sum();
        double anon = rows.stream().mapToDouble(r -> (double) r.get("anonMiB")).sum();
        long requested = parts.stream().mapToLong(PartTemplates.Part::memoryRequest).sum();
        Map<String, Object> demo = new LinkedHashMap<>();
        demo.put("rssMiB", Report.round(rss, 1));
        demo.put("anonMiB", Report.round(anon, 1));
        demo.put("cores", Report.round(rows.stream().mapToDouble(r -> (double) r.get("cores")).sum(), 3));
        demo.put("slowestReadySeconds", rows.stream().mapToDouble(r -> (double) r.get("readySeconds")).max()
                .orElse(Double.NaN));
        demo.put("memoryRequestMiB", requested >> 20);
        demo.put("demosOn16GiBByRequests", NODE_BYTES / requested);
        demo.put("demosOn16GiBByUse", (long) (NODE_BYTES / (rss * (1 << 20))));
        return demo;
    }

    private void markdown(List<Map<String, Object>> rows, Map<String, Object> demo, List<String> jvmFlags,
                          Map<String, Object> json) {
        StringBuilder sb = new StringBuilder("## One demo's footprint\n\n");
        sb.append(String.format(Locale.ROOT, "The Greeter, a Host and a Worker started as their Deployments start them "
                        + "(the image's JVM options `%s`, the JVM told the container's limits, the container's "
                        + "environment), at the demo's default rate (%s/s) for %d s: %s delivered, %s lost.%n%n",
                String.join(" ", jvmFlags), json.get("rate"), STEADY_SECONDS, Report.fmt((double) json.get(
                        "delivered")), Report.fmt((double) json.get("lost"))));
        sb.append("| part | ready after (s) | RSS (MiB) | anonymous (MiB) | peak RSS (MiB) | CPU (cores) "
                + "| memory request / limit (MiB) |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s / %s |%n", r.get("part"),
                    r.get("readySeconds"), r.get("rssMiB"), r.get("anonMiB"), r.get("peakRssMiB"), r.get("cores"),
                    r.get("memoryRequestMiB"), r.get("memoryLimitMiB")));
        }
        sb.append(String.format(Locale.ROOT, "| **the demo** | %s (slowest) | **%s** | %s | | %s | %s requested |%n%n",
                demo.get("slowestReadySeconds"), demo.get("rssMiB"), demo.get("anonMiB"), demo.get("cores"),
                demo.get("memoryRequestMiB")));
        sb.append(String.format(Locale.ROOT, "A 16 GiB node holds %s such demos by their memory requests, %s by what "
                        + "they use. Goals: %.0f MiB for the demo, each part ready within %.1f s.%n",
                demo.get("demosOn16GiBByRequests"), demo.get("demosOn16GiBByUse"), GOAL_DEMO_MIB, GOAL_READY_SECONDS));
        report.markdown(sb.toString());
    }
}
