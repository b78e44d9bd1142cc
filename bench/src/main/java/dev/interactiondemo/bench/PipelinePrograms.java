package dev.interactiondemo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The project's own programs in the pipeline bench, run as child processes against the bench's broker: the Greeter,
 * the Host (its publish rate) and the Worker (its consume rate, and the end-to-end latency from Host to Worker). The
 * figures come from their /metrics, the broker's committed offsets and /proc.
 */
final class PipelinePrograms {
    private static final Map<String, String> TEXT_LOGS = Map.of("LOG_FORMAT", "text");

    private final BenchContext ctx;
    private final BenchBroker broker;

    PipelinePrograms(BenchContext ctx, BenchBroker broker) {
        this.ctx = ctx;
        this.broker = broker;
    }

    /** A Greeter on {@code port}, with {@code options} of its own (its metrics on a free port); not yet listening. */
    Procs.Child greeter(String name, int port, String... options) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java(), "-jar", ctx.greeterJar().toString(), "--port",
                Integer.toString(port), "--metrics-port", Integer.toString(Procs.freePort())));
        cmd.addAll(List.of(options));
        return Procs.start(name, cmd, null, ctx.logs(), TEXT_LOGS);
    }

    private Procs.Child host(String name, String topic, double rate, String mode, int http, boolean profile,
                             int greeterPort) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        if (profile) {
            cmd.add(ctx.jfrOption(name));
        }
        cmd.addAll(List.of("-jar", ctx.notifierJar().toString(), "host", "--bootstrap-servers", broker.bootstrap,
                "--topic", topic, "--greeter-target", "localhost:" + greeterPort, "--rate", Double.toString(rate),
                "--call-mode", mode, "--http-port", Integer.toString(http), "--producer-id",
                PipelineRecords.PRODUCER_ID));
        return Procs.start(name, cmd, null, ctx.logs(), TEXT_LOGS);
    }

    private Procs.Child worker(String name, String topic, String group, int http, boolean profile) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        if (profile) {
            cmd.add(ctx.jfrOption(name));
        }
        cmd.addAll(List.of("-jar", ctx.notifierJar().toString(), "worker", "--bootstrap-servers", broker.bootstrap,
                "--topic", topic, "--group-id", group, "--http-port", Integer.toString(http)));
        return Procs.start(name, cmd, null, ctx.logs(), TEXT_LOGS);
    }

    /**
     * The Host's publish rate at {@code rate} (its maximum: 10,000/s) in call mode {@code mode}, against the Greeter
     * on {@code greeterPort} (process {@code greeterPid}), after a warm-up; on a topic named {@code name}.
     */
    Map<String, Object> hostRate(String mode, double rate, boolean profile, int greeterPort, long greeterPid,
                                 String name) {
        broker.createTopic(name, PipelineBench.PARTITIONS);
        int http = Procs.freePort();
        try (Procs.Child host = host(name, name, rate, mode, http, profile, greeterPort)) {
            awaitMetric(host, http, "notifier_sent_total", 1);
            Procs.sleep(ctx.mode().hostWarmupSeconds() * 1000L);
            Prom a = Prom.scrape(http);
            long hostCpu = Cpu.process(host.pid());
            long hostSys = Cpu.system(host.pid());
            long hostSwitches = Cpu.contextSwitches(host.pid());
            long greeterSwitches = Cpu.contextSwitches(greeterPid);
            long greeterCpu = Cpu.process(greeterPid);
            long brokerCpu = Cpu.process(broker.process().pid());
            Cpu.Machine machine = Cpu.Machine.now();
            long t0 = System.nanoTime();
            Procs.sleep(ctx.mode().hostSeconds() * 1000L);
            Prom b = Prom.scrape(http);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double idle = Cpu.Machine.now().idleSince(machine);
            hostCpu = Cpu.process(host.pid()) - hostCpu;
            hostSys = Cpu.system(host.pid()) - hostSys;
            hostSwitches = Cpu.contextSwitches(host.pid()) - hostSwitches;
            greeterSwitches = Cpu.contextSwitches(greeterPid) - greeterSwitches;
            greeterCpu = Cpu.process(greeterPid) - greeterCpu;
            brokerCpu = Cpu.process(broker.process().pid()) - brokerCpu;
            double sent = b.sum("notifier_sent_total") - a.sum("notifier_sent_total");
            double calls = b.sum("notifier_greeter_calls_total") - a.sum("notifier_greeter_calls_total");
            double failures = b.sum("notifier_send_failures_total") + b.sum("notifier_greeter_failures_total");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("callMode", mode);
            m.put("requestedRate", rate);
            m.put("publishedPerSecond", Report.round(sent / seconds, 1));
            m.put("greeterCallsPerSecond", Report.round(calls / seconds, 1));
            String lat = "notifier_greeter_latency_seconds";
            double n = b.sum(lat + "_count") - a.sum(lat + "_count");
            m.put("greeterLatencyMeanMs", Report.round((b.sum(lat + "_sum") - a.sum(lat + "_sum")) / n * 1000, 3));
            m.put("greeterLatencyP99Ms", Report.round(Prom.quantileBetween(a.buckets(lat), b.buckets(lat), 0.99) * 1000,
                    3));
            m.put("failures", (long) failures);
            m.put("hostCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(hostCpu, sent), 1));
            m.put("greeterCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(greeterCpu, sent), 1));
            m.put("brokerCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(brokerCpu, sent), 1));
            m.put("hostKernelShare", Report.round(hostCpu == 0 ? Double.NaN : (double) hostSys / hostCpu, 2));
            m.put("hostContextSwitchesPerMessage", Report.round(hostSwitches / Math.max(1, sent), 1));
            m.put("greeterContextSwitchesPerMessage", Report.round(greeterSwitches / Math.max(1, sent), 1));
            m.put("hostCores", Report.round(hostCpu / Cpu.TICKS_PER_SECOND / seconds, 2));
            m.put("machineIdle", Report.round(idle, 3));
            Log.info("Host %s (%s): %.0f published/s, Greeter call mean %s ms, p99 %s ms; CPU per message: Host %s µs, "
                    + "Greeter %s µs, broker %s µs; machine %.0f%% idle", mode, name, sent / seconds,
                    m.get("greeterLatencyMeanMs"), m.get("greeterLatencyP99Ms"), m.get("hostCpuMicrosPerMessage"),
                    m.get("greeterCpuMicrosPerMessage"), m.get("brokerCpuMicrosPerMessage"), idle * 100);
            return m;
        }
    }

    /** The Worker's consume rate over the {@code count} records already in {@code topic}. */
    Map<String, Object> workerConsume(String topic, long count) {
        Map<String, Object> out = new LinkedHashMap<>();
        // The Worker: from its first commit to the commit of the last record, as the broker sees the group's
        // committed offsets (polled here, not from the Worker's /metrics, so as not to disturb it).
        int http = Procs.freePort();
        long brokerCpu = Cpu.process(broker.process().pid());
        try (Procs.Child w = worker("worker-consume", topic, "bench-worker", http, ctx.jfr())) {
            double c0 = -1;
            long t0 = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long committed = 0;
            while (committed < count) {
                w.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Worker committed only " + committed + " of " + count);
                }
                committed = committed("bench-worker");
                if (c0 < 0 && committed > 0) {
                    c0 = committed;
                    t0 = System.nanoTime();
                }
                if (committed < count) {
                    Procs.sleep(20);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long workerCpu = Cpu.process(w.pid());
            brokerCpu = Cpu.process(broker.process().pid()) - brokerCpu;
            Prom end = Prom.scrape(http);
            out.put("workerPerSecond", Report.round((committed - c0) / seconds, 1));
            out.put("workerCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(workerCpu, count), 1));
            out.put("workerBrokerCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(brokerCpu, count), 1));
            out.put("workerConsumed", (long) end.sum("notifier_consumed_total"));
            out.put("workerLost", (long) end.sum("notifier_lost_total"));
            out.put("workerDuplicates", (long) end.sum("notifier_duplicates_total"));
            out.put("workerInvalid", (long) end.sum("notifier_invalid_total"));
        }
        return out;
    }

    /** The sum of the committed offsets of {@code group}: what it consumed and committed. */
    private long committed(String group) {
        try {
            return broker.admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, java.util.concurrent.TimeUnit.SECONDS).values().stream()
                    .filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * The end-to-end latency, created at the Host to processed at the Worker, with the Host publishing {@code rate}/s
     * in call mode {@code mode} on {@code topic}; from the Worker's histogram after a warm-up.
     */
    Map<String, Object> endToEnd(String topic, int rate, String mode, int greeterPort) {
        broker.createTopic(topic, PipelineBench.PARTITIONS);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate", rate);
        out.put("callMode", mode);
        int wHttp = Procs.freePort();
        int hHttp = Procs.freePort();
        try (Procs.Child w = worker("worker-e2e", topic, "bench-e2e", wHttp, ctx.jfr())) {
            awaitLog(w, "Partitions assigned", Duration.ofSeconds(60));
            try (Procs.Child h = host("host-e2e", topic, rate, mode, hHttp, false, greeterPort)) {
                awaitMetric(w, wHttp, "notifier_consumed_total", 1);
                Procs.sleep(ctx.mode().e2eWarmupSeconds() * 1000L);
                Prom a = Prom.scrape(wHttp);
                long t0 = System.nanoTime();
                Procs.sleep(ctx.mode().e2eSeconds() * 1000L);
                Prom b = Prom.scrape(wHttp);
                double seconds = (System.nanoTime() - t0) / 1e9;
                String series = "notifier_end_to_end_latency_seconds";
                TreeMap<Double, Double> ba = a.buckets(series);
                TreeMap<Double, Double> bb = b.buckets(series);
                double n = b.sum(series + "_count") - a.sum(series + "_count");
                out.put("consumedPerSecond", Report.round(n / seconds, 1));
                out.put("meanMs", Report.round((b.sum(series + "_sum") - a.sum(series + "_sum")) / n * 1000, 3));
                out.put("p50Ms", Report.round(Prom.quantileBetween(ba, bb, 0.5) * 1000, 3));
                out.put("p99Ms", Report.round(Prom.quantileBetween(ba, bb, 0.99) * 1000, 3));
                out.put("lost", (long) b.sum("notifier_lost_total"));
            }
        }
        return out;
    }

    private static void awaitMetric(Procs.Child c, int http, String metric, double atLeast) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            c.requireAlive();
            try {
                if (Prom.scrape(http).sum(metric) >= atLeast) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Procs.sleep(50);
        }
        throw new IllegalStateException(c.name() + ": " + metric + " < " + atLeast + " after 2 min; log " + c.log());
    }

    private static void awaitLog(Procs.Child c, String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            c.requireAlive();
            try {
                if (Files.readString(c.log()).contains(text)) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Procs.sleep(50);
        }
        throw new IllegalStateException(c.name() + " did not log '" + text + "' within " + timeout);
    }
}
