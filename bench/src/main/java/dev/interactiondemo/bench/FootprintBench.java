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

    /**
     * An experiment: the parts started again with these JVM options after their images' own, and these environment
     * variables, measured beside the images' options alone. None when both are empty.
     */
    record Experiment(List<String> javaOptions, Map<String, String> environment) {
        boolean none() {
            return javaOptions.isEmpty() && environment.isEmpty();
        }
    }

    /** One demo's run: each part's row, and the demo's. */
    private record Run(String label, List<String> javaOptions, Map<String, String> environment,
                       List<Map<String, Object>> rows, Map<String, Object> demo, double delivered, double lost) {
    }

    void run() {
        try (BenchBroker broker = BenchBroker.start(ctx.work(), ctx.classPath())) {
            List<PartTemplates.Part> parts = PartTemplates.ofDefaultDemo(broker.bootstrap);
            List<String> imageFlags = PartTemplates.imageJvmFlags(ctx.repo());
            List<Run> runs = new ArrayList<>();
            runs.add(demoRun(broker, parts, "the images' options", imageFlags, Map.of(), "images"));
            Experiment experiment = ctx.partExperiment();
            if (!experiment.none()) {
                List<String> flags = new ArrayList<>(imageFlags);
                flags.addAll(experiment.javaOptions());
                runs.add(demoRun(broker, parts, "the experiment", flags, experiment.environment(), "experiment"));
            }
            Map<String, Object> json = report.section("footprint");
            json.put("steadySeconds", STEADY_SECONDS);
            json.put("rate", parts.get(1).env().get("NOTIFIER_RATE"));
            List<Map<String, Object>> runsJson = new ArrayList<>();
            for (Run r : runs) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("label", r.label());
                j.put("jvmFlags", r.javaOptions());
                j.put("environment", r.environment());
                j.put("delivered", r.delivered());
                j.put("lost", r.lost());
                j.put("parts", r.rows());
                j.put("demo", r.demo());
                runsJson.add(j);
                report.ratio("footprint", "demo memory / goal, " + r.label(), (double) r.demo().get("rssMiB"),
                        GOAL_DEMO_MIB, "MiB", "lower", "one demo's three parts' resident memory at the default rate, "
                                + "against the goal (" + r.label() + ")");
                report.ratio("footprint", "slowest ready / goal, " + r.label(),
                        (double) r.demo().get("slowestReadySeconds"), GOAL_READY_SECONDS, "s", "lower",
                        "the slowest part's time from start to /readyz, against the goal (" + r.label() + ")");
            }
            json.put("runs", runsJson);
            markdown(runs);
        }
    }

    /**
     * The three parts with {@code javaOptions} and {@code environment}, on a topic and group of their own: each one's
     * time to ready, then after {@link #STEADY_SECONDS} what it uses.
     */
    private Run demoRun(BenchBroker broker, List<PartTemplates.Part> parts, String label, List<String> javaOptions,
                        Map<String, String> environment, String suffix) {
        Map<String, String> names = Map.of(
                "NOTIFIER_TOPIC", parts.get(1).env().get("NOTIFIER_TOPIC") + "-" + suffix,
                "NOTIFIER_GROUP_ID", parts.get(2).env().get("NOTIFIER_GROUP_ID") + "-" + suffix);
        broker.createTopic(names.get("NOTIFIER_TOPIC"), PARTITIONS);
        List<Procs.Child> running = new ArrayList<>();
        try {
            Map<String, Integer> ports = new HashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (PartTemplates.Part part : parts) {
                int http = Procs.freePort();
                Map<String, String> env = new LinkedHashMap<>(environment);
                names.forEach((k, v) -> {
                    if (part.env().containsKey(k)) {
                        env.put(k, v);
                    }
                });
                Procs.Child child = start(part, suffix, javaOptions, env, http, ports);
                running.add(child);
                ports.put(part.name(), http);
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
            Log.info("footprint, %s: %s", label, rows);
            return new Run(label, javaOptions, environment, rows, demo(rows, parts),
                    worker.sum("notifier_delivered_total"), worker.sum("notifier_lost_total"));
        } finally {
            for (int i = running.size() - 1; i >= 0; i--) {
                running.get(i).close();
            }
        }
    }

    /**
     * Starts a part as its container does, on this machine: the image's JVM options, the JVM told the container's
     * memory and CPU limits, the container's environment with the addresses and ports of this machine.
     */
    private Procs.Child start(PartTemplates.Part part, String suffix, List<String> jvmFlags, Map<String, String> more,
                              int http, Map<String, Integer> ports) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        cmd.addAll(jvmFlags);
        cmd.add("-XX:MaxRAM=" + part.memoryLimit());
        if (!Double.isNaN(part.cpuLimit())) {
            cmd.add("-XX:ActiveProcessorCount=" + Math.max(1, (int) Math.ceil(part.cpuLimit())));
        }
        Map<String, String> env = new LinkedHashMap<>(part.env());
        env.putAll(more);
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
        return Procs.start("footprint-" + suffix + "-" + part.name(), cmd, null, ctx.logs(), env);
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

    private void markdown(List<Run> runs) {
        StringBuilder sb = new StringBuilder("## One demo's footprint\n\n");
        sb.append(String.format(Locale.ROOT, "The Greeter, a Host and a Worker started as their Deployments start them "
                + "(the image's JVM options, the JVM told the container's limits, the container's environment), at "
                + "the demo's default rate for %d s. Goals: %.0f MiB for the demo, each part ready within %.1f s.%n%n",
                STEADY_SECONDS, GOAL_DEMO_MIB, GOAL_READY_SECONDS));
        for (Run r : runs) {
            sb.append(String.format(Locale.ROOT, "**%s**: `%s`%s; %s delivered, %s lost.%n%n", r.label(),
                    String.join(" ", r.javaOptions()), r.environment().isEmpty() ? "" : ", environment "
                            + r.environment(), Report.fmt(r.delivered()), Report.fmt(r.lost())));
            sb.append("| part | ready after (s) | RSS (MiB) | anonymous (MiB) | peak RSS (MiB) | CPU (cores) "
                    + "| memory request / limit (MiB) |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> row : r.rows()) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s / %s |%n", row.get("part"),
                        row.get("readySeconds"), row.get("rssMiB"), row.get("anonMiB"), row.get("peakRssMiB"),
                        row.get("cores"), row.get("memoryRequestMiB"), row.get("memoryLimitMiB")));
            }
            Map<String, Object> demo = r.demo();
            sb.append(String.format(Locale.ROOT, "| **the demo** | %s (slowest) | **%s** | %s | | %s | %s requested "
                            + "|%n%nA 16 GiB node holds %s such demos by their memory requests, %s by what they use.%n%n",
                    demo.get("slowestReadySeconds"), demo.get("rssMiB"), demo.get("anonMiB"), demo.get("cores"),
                    demo.get("memoryRequestMiB"), demo.get("demosOn16GiBByRequests"), demo.get("demosOn16GiBByUse")));
        }
        report.markdown(sb.toString());
    }
}
