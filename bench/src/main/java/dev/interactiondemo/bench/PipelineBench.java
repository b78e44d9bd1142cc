package dev.interactiondemo.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kafka pipeline against Kafka's own performance tools, on one broker: the Host's publish rate (sync and async
 * call modes) vs {@code ProducerPerformance} (kafka-producer-perf-test) with the Notification's record size and the
 * Host's producer settings; the Worker's consume rate vs {@code ConsumerPerformance} (kafka-consumer-perf-test) on
 * the same records; the end-to-end latency at 1,000 notifications/s vs {@code EndToEndLatency}. This class orders
 * the runs and turns their figures into the {@code pipeline} section and its ratios; {@link PipelinePrograms} runs
 * our programs, {@link KafkaPerfTools} Kafka's, {@link PipelineMarkdown} writes the tables.
 */
final class PipelineBench {
    /** The Host's producer settings (NotificationHost), given to ProducerPerformance too. */
    static final List<String> HOST_PRODUCER_PROPS = List.of("acks=all", "enable.idempotence=true", "linger.ms=5");
    static final int MAX_RATE = 10_000;
    static final int PARTITIONS = 3;
    /** The Host's rate in the end-to-end latency run (the ratios' and the table's "at 1,000/s"). */
    static final int E2E_RATE = 1000;

    private final BenchContext ctx;
    private final Report report;
    private final Map<String, Object> json;
    private PipelinePrograms programs;
    private KafkaPerfTools tools;
    private int greeterPort;

    PipelineBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
        this.json = report.section("pipeline");
    }

    void run() {
        int size = PipelineRecords.recordSize();
        json.put("recordSizeBytes", size);
        json.put("partitions", PARTITIONS);
        json.put("producerSettings", String.join(" ", HOST_PRODUCER_PROPS));
        json.put("broker", "Kafka 4.1.1 KRaft, one node, JVM " + String.join(" ", BenchBroker.KAFKA_JVM));
        BenchBroker broker = BenchBroker.start(ctx.work(), ctx.classPath());
        programs = new PipelinePrograms(ctx, broker);
        tools = new KafkaPerfTools(ctx, broker);
        greeterPort = Procs.freePort();
        try (BenchBroker b = broker;
             Procs.Child greeter = programs.greeter("pipeline-greeter", greeterPort)) {
            Procs.awaitPort(greeter, greeterPort, java.time.Duration.ofSeconds(60));
            Map<String, Object> produce = new LinkedHashMap<>();
            Map<String, Object> hostSync = programs.hostRate("sync", MAX_RATE, ctx.jfr(), greeterPort, greeter.pid(),
                    "host-sync");
            Map<String, Object> hostAsync = programs.hostRate("async", MAX_RATE, ctx.jfr(), greeterPort,
                    greeter.pid(), "host-async");
            produce.put("hostSync", hostSync);
            produce.put("hostAsync", hostAsync);
            Map<String, Object> ppCapped = tools.producerPerf("pp-capped", (long) MAX_RATE * ctx.mode().hostSeconds(),
                    MAX_RATE, size);
            Map<String, Object> ppMax = tools.producerPerf("pp-max", ctx.mode().producerPerfRecords(), -1, size);
            produce.put("producerPerformanceAtHostCap", ppCapped);
            produce.put("producerPerformanceUncapped", ppMax);
            json.put("produce", produce);
            double sync = (double) hostSync.get("publishedPerSecond");
            double async = (double) hostAsync.get("publishedPerSecond");
            double capped = (double) ppCapped.get("recordsPerSecond");
            double max = (double) ppMax.get("recordsPerSecond");
            report.ratio("pipeline", "Host sync publish rate / kafka-producer-perf-test (uncapped)", sync, max,
                    "msg/s", "higher", "the Host in sync mode against Kafka's producer at full speed");
            report.ratio("pipeline", "Host async publish rate / kafka-producer-perf-test (uncapped)", async, max,
                    "msg/s", "higher", "the Host in async mode against Kafka's producer at full speed");
            report.ratio("pipeline", "Host async publish rate / kafka-producer-perf-test at 10,000/s", async, capped,
                    "msg/s", "higher", "both asked for the Host's maximum rate, 10,000/s");
            report.ratio("pipeline", "Host sync / Host async publish rate (the lesson)", sync, async, "msg/s",
                    "higher", "what waiting for each gRPC reply costs");
            report.ratio("pipeline", "Host async CPU per message / kafka-producer-perf-test's (uncapped)",
                    (double) hostAsync.get("hostCpuMicrosPerMessage"), (double) ppMax.get("cpuMicrosPerMessage"), "µs",
                    "lower", "what publishing one notification costs the Host's process, gRPC call included");
            if (ctx.mode().greeterDelayLesson()) {
                json.put("withGreeterDelay", greeterDelayLesson());
            }

            Map<String, Object> consume = consume(broker);
            json.put("consume", consume);
            report.ratio("pipeline", "Worker consume rate / kafka-consumer-perf-test", (double) consume.get(
                    "workerPerSecond"), (double) consume.get("consumerPerformanceFetchPerSecond"), "msg/s", "higher",
                    "the Worker (parse, audit, commit) against Kafka's consumer on the same records");

            Map<String, Object> e2e = endToEnd(size);
            json.put("endToEnd", e2e);
            report.ratio("pipeline", "end-to-end mean at 1,000/s / kafka-e2e-latency mean",
                    (double) e2e.get("meanMs"), (double) e2e.get("referenceMeanMs"), "ms", "lower",
                    "created at the Host to processed at the Worker, against one record at a time");
            report.ratio("pipeline", "end-to-end p99 at 1,000/s / kafka-e2e-latency p99",
                    (double) e2e.get("p99Ms"), (double) e2e.get("referenceP99Ms"), "ms", "lower",
                    "(the reference prints whole milliseconds)");
            report.ratio("pipeline", "Worker CPU per message / kafka-consumer-perf-test's", (double) consume.get(
                    "workerCpuMicrosPerMessage"), (double) consume.get("consumerPerformanceCpuMicrosPerMessage"), "µs",
                    "lower", "whole processes, JVM start included, over the same records");
            report.markdown(PipelineMarkdown.of(json));
        }
    }

    /** The lesson at a human scale: the Greeter answers in 5 ms; sync waits for each reply, async keeps 16 going. */
    private Map<String, Object> greeterDelayLesson() {
        int port = Procs.freePort();
        Map<String, Object> out = new LinkedHashMap<>();
        try (Procs.Child slow = programs.greeter("pipeline-greeter-5ms", port, "--response-delay", "5ms")) {
            Procs.awaitPort(slow, port, java.time.Duration.ofSeconds(60));
            out.put("greeterResponseDelay", "5ms");
            out.put("hostSync", programs.hostRate("sync", MAX_RATE, false, port, slow.pid(), "host-sync-5ms"));
            out.put("hostAsync", programs.hostRate("async", MAX_RATE, false, port, slow.pid(), "host-async-5ms"));
        }
        double sync = (double) ((Map<?, ?>) out.get("hostSync")).get("publishedPerSecond");
        double async = (double) ((Map<?, ?>) out.get("hostAsync")).get("publishedPerSecond");
        report.ratio("pipeline", "Host sync / async publish rate, Greeter answering in 5 ms", sync, async, "msg/s",
                "higher", "one call at a time against 16 in flight (--max-in-flight)");
        return out;
    }

    /** The Worker, then ConsumerPerformance, over the same prefilled records. */
    private Map<String, Object> consume(BenchBroker broker) {
        long count = ctx.mode().consumeRecords();
        String topic = "consume";
        long t = System.nanoTime();
        PipelineRecords.prefill(broker, topic, count);
        Log.info("prefilled %d notifications in %.1f s", count, (System.nanoTime() - t) / 1e9);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", count);
        out.putAll(programs.workerConsume(topic, count));
        out.putAll(tools.consumerPerf(topic, count));
        Log.info("consume: Worker %s/s, ConsumerPerformance fetch %s/s", out.get("workerPerSecond"),
                out.get("consumerPerformanceFetchPerSecond"));
        return out;
    }

    /** Host to Worker at {@link #E2E_RATE}/s (async), then EndToEndLatency with records of {@code size} bytes. */
    private Map<String, Object> endToEnd(int size) {
        Map<String, Object> out = new LinkedHashMap<>(programs.endToEnd("e2e", E2E_RATE, "async", greeterPort));
        out.putAll(tools.endToEndLatency(size));
        Log.info("end to end: ours mean %s ms p50 %s ms p99 %s ms; EndToEndLatency mean %s ms p50 %s p99 %s",
                out.get("meanMs"), out.get("p50Ms"), out.get("p99Ms"), out.get("referenceMeanMs"),
                out.get("referenceP50Ms"), out.get("referenceP99Ms"));
        return out;
    }
}
