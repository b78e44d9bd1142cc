package dev.interactiondemo.bench;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.interactiondemo.notification.Notification;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka pipeline against Kafka's own performance tools, on one broker: the Host's publish rate (sync and async
 * call modes) vs {@code ProducerPerformance} (kafka-producer-perf-test) with the Notification's record size and the
 * Host's producer settings; the Worker's consume rate vs {@code ConsumerPerformance} (kafka-consumer-perf-test) on
 * the same records; the end-to-end latency at 1,000 notifications/s vs {@code EndToEndLatency}.
 */
final class PipelineBench {
    /** The Host's producer settings (NotificationHost), given to ProducerPerformance too. */
    static final List<String> HOST_PRODUCER_PROPS = List.of("acks=all", "enable.idempotence=true", "linger.ms=5");
    static final int MAX_RATE = 10_000;
    static final int PARTITIONS = 3;
    static final List<String> RECIPIENTS = List.of("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi");
    /** A producer id as a Host in a pod has it: the pod's name and a random suffix. */
    static final String PRODUCER_ID = "hello-host-7d9f8c6b5d-x2x7k-a1b2c3";

    private final BenchContext ctx;
    private final Report report;
    private final Map<String, Object> json;
    private BenchBroker broker;
    private int greeterPort;

    PipelineBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
        this.json = report.section("pipeline");
    }

    /** A notification as the Host makes it (UUID id, pod-style producer id, greeting, timestamps, partition). */
    static Notification notification(long sequence, String recipient, int partition, long partitionSequence) {
        Instant now = Instant.now();
        return Notification.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setProducerId(PRODUCER_ID)
                .setSequence(sequence)
                .setRecipient(recipient)
                .setText("Hello, " + recipient)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setGreeterLatency(Duration.newBuilder().setNanos(412_345))
                .setPartition(partition)
                .setPartitionSequence(partitionSequence)
                .build();
    }

    /** The serialized size of a typical notification (its value; the key is the recipient, 3-5 bytes). */
    static int recordSize() {
        return notification(123_456, "Alice", 1, 41_152).toByteArray().length;
    }

    void run() {
        int size = recordSize();
        json.put("recordSizeBytes", size);
        json.put("partitions", PARTITIONS);
        json.put("producerSettings", String.join(" ", HOST_PRODUCER_PROPS));
        json.put("broker", "Kafka 4.1.1 KRaft, one node, JVM " + String.join(" ", BenchBroker.KAFKA_JVM));
        broker = BenchBroker.start(ctx.work(), ctx.classPath());
        greeterPort = Procs.freePort();
        try (BenchBroker b = broker;
             Procs.Child greeter = Procs.start("pipeline-greeter", List.of(Procs.java(), "-jar",
                     ctx.greeterJar().toString(), "--port", Integer.toString(greeterPort), "--metrics-port",
                     Integer.toString(Procs.freePort())), null, ctx.logs(), Map.of("LOG_FORMAT", "text"))) {
            Procs.awaitPort(greeter, greeterPort, java.time.Duration.ofSeconds(60));
            greeterPids.put(greeterPort, greeter.pid());
            Map<String, Object> produce = new LinkedHashMap<>();
            Map<String, Object> hostSync = hostRate("sync", MAX_RATE, "0ms", ctx.jfr());
            Map<String, Object> hostAsync = hostRate("async", MAX_RATE, "0ms", ctx.jfr());
            produce.put("hostSync", hostSync);
            produce.put("hostAsync", hostAsync);
            Map<String, Object> ppCapped = producerPerf("pp-capped", (long) MAX_RATE * ctx.mode().hostSeconds(),
                    MAX_RATE, size);
            Map<String, Object> ppMax = producerPerf("pp-max", ctx.mode().producerPerfRecords(), -1, size);
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
            Map<String, Object> lesson = null;
            if (ctx.mode().greeterDelayLesson()) {
                lesson = greeterDelayLesson();
                json.put("withGreeterDelay", lesson);
            }

            Map<String, Object> consume = consume(size);
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
            markdown(size, hostSync, hostAsync, ppCapped, ppMax, lesson, consume, e2e);
        }
    }

    private Procs.Child host(String name, String topic, double rate, String mode, int http, boolean profile,
                             int greeterPort) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        if (profile) {
            cmd.add(ctx.jfrOption(name));
        }
        cmd.addAll(List.of("-jar", ctx.notifierJar().toString(), "host", "--bootstrap-servers", broker.bootstrap,
                "--topic", topic, "--greeter-target", "localhost:" + greeterPort, "--rate", Double.toString(rate),
                "--call-mode", mode, "--http-port", Integer.toString(http), "--producer-id", PRODUCER_ID));
        return Procs.start(name, cmd, null, ctx.logs(), Map.of("LOG_FORMAT", "text"));
    }

    private Procs.Child worker(String name, String topic, String group, int http, boolean profile) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        if (profile) {
            cmd.add(ctx.jfrOption(name));
        }
        cmd.addAll(List.of("-jar", ctx.notifierJar().toString(), "worker", "--bootstrap-servers", broker.bootstrap,
                "--topic", topic, "--group-id", group, "--http-port", Integer.toString(http)));
        return Procs.start(name, cmd, null, ctx.logs(), Map.of("LOG_FORMAT", "text"));
    }

    /** The Host's publish rate at {@code rate} (its maximum: 10,000/s), after a warm-up. */
    private Map<String, Object> hostRate(String mode, double rate, String greeterDelay, boolean profile) {
        return hostRate(mode, rate, profile, greeterPort, "host-" + mode + (greeterDelay.equals("0ms") ? "" : "-delay"));
    }

    private Map<String, Object> hostRate(String mode, double rate, boolean profile, int greeterPort, String name) {
        broker.createTopic(name, PARTITIONS);
        int http = Procs.freePort();
        try (Procs.Child host = host(name, name, rate, mode, http, profile, greeterPort)) {
            awaitMetric(host, http, "notifier_sent_total", 1);
            Procs.sleep(ctx.mode().hostWarmupSeconds() * 1000L);
            Prom a = Prom.scrape(http);
            long hostCpu = Cpu.process(host.pid());
            long hostSys = Cpu.system(host.pid());
            long hostSwitches = Cpu.contextSwitches(host.pid());
            long greeterSwitches = Cpu.contextSwitches(greeterPid(greeterPort));
            long greeterCpu = Cpu.process(greeterPid(greeterPort));
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
            greeterSwitches = Cpu.contextSwitches(greeterPid(greeterPort)) - greeterSwitches;
            greeterCpu = Cpu.process(greeterPid(greeterPort)) - greeterCpu;
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
            m.put("hostCpuMicrosPerMessage", Report.round(micros(hostCpu, sent), 1));
            m.put("greeterCpuMicrosPerMessage", Report.round(micros(greeterCpu, sent), 1));
            m.put("brokerCpuMicrosPerMessage", Report.round(micros(brokerCpu, sent), 1));
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

    private final Map<Integer, Long> greeterPids = new HashMap<>();

    private long greeterPid(int port) {
        return greeterPids.getOrDefault(port, -1L);
    }

    static double micros(long ticks, double messages) {
        return messages <= 0 ? Double.NaN : ticks * (1e6 / Cpu.TICKS_PER_SECOND) / messages;
    }

    /** The lesson at a human scale: the Greeter answers in 5 ms; sync waits for each reply, async keeps 16 going. */
    private Map<String, Object> greeterDelayLesson() {
        int port = Procs.freePort();
        Map<String, Object> out = new LinkedHashMap<>();
        try (Procs.Child slow = Procs.start("pipeline-greeter-5ms", List.of(Procs.java(), "-jar",
                ctx.greeterJar().toString(), "--port", Integer.toString(port), "--metrics-port",
                Integer.toString(Procs.freePort()), "--response-delay", "5ms"), null, ctx.logs(),
                Map.of("LOG_FORMAT", "text"))) {
            Procs.awaitPort(slow, port, java.time.Duration.ofSeconds(60));
            greeterPids.put(port, slow.pid());
            out.put("greeterResponseDelay", "5ms");
            out.put("hostSync", hostRate("sync", MAX_RATE, false, port, "host-sync-5ms"));
            out.put("hostAsync", hostRate("async", MAX_RATE, false, port, "host-async-5ms"));
        }
        double sync = (double) ((Map<?, ?>) out.get("hostSync")).get("publishedPerSecond");
        double async = (double) ((Map<?, ?>) out.get("hostAsync")).get("publishedPerSecond");
        report.ratio("pipeline", "Host sync / async publish rate, Greeter answering in 5 ms", sync, async, "msg/s",
                "higher", "one call at a time against 16 in flight (--max-in-flight)");
        return out;
    }

    private Map<String, Object> producerPerf(String topic, long records, int throughput, int size) {
        broker.createTopic(topic, PARTITIONS);
        List<String> cmd = new ArrayList<>(List.of(Procs.java(), "-cp", ctx.classPath(),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", Long.toString(records),
                "--record-size", Integer.toString(size), "--throughput", Integer.toString(throughput),
                "--producer-props", "bootstrap.servers=" + broker.bootstrap));
        cmd.addAll(HOST_PRODUCER_PROPS);
        long children = Cpu.reapedChildren();
        long brokerCpu = Cpu.process(broker.process().pid());
        String out = Procs.run(topic, cmd, null, ctx.logs(), java.time.Duration.ofMinutes(10));
        children = Cpu.reapedChildren() - children;
        brokerCpu = Cpu.process(broker.process().pid()) - brokerCpu;
        Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg "
                + "latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th").matcher(out);
        String last = null;
        Map<String, Object> r = new LinkedHashMap<>();
        while (m.find()) {
            last = m.group();
            r.put("records", Long.parseLong(m.group(1)));
            r.put("recordsPerSecond", Double.parseDouble(m.group(2)));
            r.put("mbPerSecond", Double.parseDouble(m.group(3)));
            r.put("avgLatencyMs", Double.parseDouble(m.group(4)));
            r.put("p50LatencyMs", Double.parseDouble(m.group(6)));
            r.put("p99LatencyMs", Double.parseDouble(m.group(8)));
        }
        if (last == null) {
            throw new IllegalStateException("cannot read ProducerPerformance's summary:\n" + out);
        }
        r.put("throughputArgument", throughput);
        long records2 = (long) r.get("records");
        r.put("cpuMicrosPerMessage", Report.round(micros(children, records2), 1));
        r.put("brokerCpuMicrosPerMessage", Report.round(micros(brokerCpu, records2), 1));
        r.put("command", "kafka-producer-perf-test --topic " + topic + " --num-records " + records + " --record-size "
                + size + " --throughput " + throughput + " --producer-props bootstrap.servers=<broker> "
                + String.join(" ", HOST_PRODUCER_PROPS));
        Log.info("ProducerPerformance %s: %s", topic, last);
        return r;
    }

    /** Fills a topic with real notifications (numbered per partition, as the Host does) for the consume tests. */
    private void prefill(String topic, long count) {
        broker.createTopic(topic, PARTITIONS);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long[] perPartition = new long[PARTITIONS];
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long i = 1; i <= count; i++) {
                String recipient = RECIPIENTS.get((int) (i % RECIPIENTS.size()));
                int partition = Utils.toPositive(Utils.murmur2(recipient.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
                Notification n = notification(i, recipient, partition, ++perPartition[partition]);
                p.send(new ProducerRecord<>(topic, partition, recipient, n.toByteArray()));
            }
            p.flush();
        }
    }

    private Map<String, Object> consume(int size) {
        long count = ctx.mode().consumeRecords();
        String topic = "consume";
        long t = System.nanoTime();
        prefill(topic, count);
        Log.info("prefilled %d notifications in %.1f s", count, (System.nanoTime() - t) / 1e9);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", count);
        // The Worker: from its first commit to the commit of the last record, as the broker sees the group's
        // committed offsets (polled here, not from the Worker's /metrics, so as not to disturb it).
        int http = Procs.freePort();
        long brokerCpu = Cpu.process(broker.process().pid());
        try (Procs.Child w = worker("worker-consume", topic, "bench-worker", http, ctx.jfr())) {
            double c0 = -1;
            long t0 = 0;
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
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
            out.put("workerCpuMicrosPerMessage", Report.round(micros(workerCpu, count), 1));
            out.put("workerBrokerCpuMicrosPerMessage", Report.round(micros(brokerCpu, count), 1));
            out.put("workerConsumed", (long) end.sum("notifier_consumed_total"));
            out.put("workerLost", (long) end.sum("notifier_lost_total"));
            out.put("workerDuplicates", (long) end.sum("notifier_duplicates_total"));
            out.put("workerInvalid", (long) end.sum("notifier_invalid_total"));
        }
        long children = Cpu.reapedChildren();
        brokerCpu = Cpu.process(broker.process().pid());
        String cp = Procs.run("consumer-perf", List.of(Procs.java(), "-cp", ctx.classPath(),
                "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", broker.bootstrap, "--topic", topic,
                "--messages", Long.toString(count), "--group", "bench-consumer-perf", "--timeout", "60000"),
                null, ctx.logs(), java.time.Duration.ofMinutes(10));
        children = Cpu.reapedChildren() - children;
        brokerCpu = Cpu.process(broker.process().pid()) - brokerCpu;
        out.put("consumerPerformanceCpuMicrosPerMessage", Report.round(micros(children, count), 1));
        out.put("consumerPerformanceBrokerCpuMicrosPerMessage", Report.round(micros(brokerCpu, count), 1));
        Map<String, String> fields = csvAfterHeader(cp, "start.time");
        out.put("consumerPerformanceFetchPerSecond", Double.parseDouble(fields.get("fetch.nMsg.sec")));
        out.put("consumerPerformancePerSecond", Double.parseDouble(fields.get("nMsg.sec")));
        out.put("consumerPerformanceRebalanceMs", Double.parseDouble(fields.get("rebalance.time.ms")));
        out.put("command", "kafka-consumer-perf-test --bootstrap-server <broker> --topic " + topic + " --messages "
                + count + " --group bench-consumer-perf");
        Log.info("consume: Worker %s/s, ConsumerPerformance fetch %s/s", out.get("workerPerSecond"),
                out.get("consumerPerformanceFetchPerSecond"));
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

    /** Parses "a, b, c\n1, 2, 3" after the header line starting with {@code first}. */
    static Map<String, String> csvAfterHeader(String text, String first) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).trim().startsWith(first)) {
                String[] h = lines.get(i).split(",\\s*");
                String[] v = lines.get(i + 1).split(",\\s*");
                Map<String, String> m = new LinkedHashMap<>();
                for (int k = 0; k < Math.min(h.length, v.length); k++) {
                    m.put(h[k].trim(), v[k].trim());
                }
                return m;
            }
        }
        throw new IllegalStateException("no line starting with " + first + " in:\n" + text);
    }

    private Map<String, Object> endToEnd(int size) {
        String topic = "e2e";
        broker.createTopic(topic, PARTITIONS);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate", 1000);
        out.put("callMode", "async");
        int wHttp = Procs.freePort();
        int hHttp = Procs.freePort();
        try (Procs.Child w = worker("worker-e2e", topic, "bench-e2e", wHttp, ctx.jfr())) {
            awaitLog(w, "Partitions assigned", java.time.Duration.ofSeconds(60));
            try (Procs.Child h = host("host-e2e", topic, 1000, "async", hHttp, false, greeterPort)) {
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
        String ref = Procs.run("end-to-end-latency", List.of(Procs.java(), "-cp", ctx.classPath(),
                "org.apache.kafka.tools.EndToEndLatency", broker.bootstrap, "e2e-reference",
                Integer.toString(ctx.mode().endToEndLatencyMessages()), "all", Integer.toString(size)),
                null, ctx.logs(), java.time.Duration.ofMinutes(10));
        Matcher avg = Pattern.compile("Avg latency: ([\\d.]+) ms").matcher(ref);
        Matcher pct = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)").matcher(ref);
        if (!avg.find() || !pct.find()) {
            throw new IllegalStateException("cannot read EndToEndLatency's output:\n" + ref);
        }
        out.put("referenceMeanMs", Double.parseDouble(avg.group(1)));
        out.put("referenceP50Ms", Double.parseDouble(pct.group(1)));
        out.put("referenceP99Ms", Double.parseDouble(pct.group(2)));
        out.put("referenceCommand", "kafka-e2e-latency <broker> e2e-reference " + ctx.mode().endToEndLatencyMessages()
                + " all " + size);
        Log.info("end to end: ours mean %s ms p50 %s ms p99 %s ms; EndToEndLatency mean %s ms p50 %s p99 %s",
                out.get("meanMs"), out.get("p50Ms"), out.get("p99Ms"), out.get("referenceMeanMs"),
                out.get("referenceP50Ms"), out.get("referenceP99Ms"));
        return out;
    }

    private static void awaitMetric(Procs.Child c, int http, String metric, double atLeast) {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
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

    private static void awaitLog(Procs.Child c, String text, java.time.Duration timeout) {
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

    private void markdown(int size, Map<String, Object> sync, Map<String, Object> async, Map<String, Object> capped,
                          Map<String, Object> max, Map<String, Object> lesson, Map<String, Object> consume,
                          Map<String, Object> e2e) {
        StringBuilder sb = new StringBuilder("## The Kafka pipeline vs Kafka's own tools\n\n");
        sb.append(String.format(Locale.ROOT, "One broker (%s); topics of %d partitions; records of %d bytes (a "
                + "serialized Notification); producer settings %s on both sides. CPU per message: the measured "
                + "process's own CPU time over the messages it handled (the Host's includes its gRPC client).%n%n",
                json.get("broker"), PARTITIONS, size, String.join(" ", HOST_PRODUCER_PROPS)));
        sb.append("| what | rate (msg/s) | CPU per message (µs) | broker CPU per message (µs) | notes |\n"
                + "|---|---:|---:|---:|---|\n");
        sb.append(row("Host, sync (--rate 10000)", sync.get("publishedPerSecond"), sync.get("hostCpuMicrosPerMessage"),
                sync.get("brokerCpuMicrosPerMessage"), "Greeter call mean " + sync.get("greeterLatencyMeanMs")
                        + " ms, p99 " + sync.get("greeterLatencyP99Ms") + " ms; machine " + pct(sync.get("machineIdle"))
                        + " idle"));
        sb.append(row("Host, async (--rate 10000, 16 in flight)", async.get("publishedPerSecond"),
                async.get("hostCpuMicrosPerMessage"), async.get("brokerCpuMicrosPerMessage"), "Greeter call mean "
                        + async.get("greeterLatencyMeanMs") + " ms, p99 " + async.get("greeterLatencyP99Ms")
                        + " ms; machine " + pct(async.get("machineIdle")) + " idle"));
        if (lesson != null) {
            Map<?, ?> ls = (Map<?, ?>) lesson.get("hostSync");
            Map<?, ?> la = (Map<?, ?>) lesson.get("hostAsync");
            sb.append(row("Host, sync, Greeter answering in 5 ms", ls.get("publishedPerSecond"),
                    ls.get("hostCpuMicrosPerMessage"), ls.get("brokerCpuMicrosPerMessage"), "at most 1000/5 = 200/s"));
            sb.append(row("Host, async, Greeter answering in 5 ms", la.get("publishedPerSecond"),
                    la.get("hostCpuMicrosPerMessage"), la.get("brokerCpuMicrosPerMessage"),
                    "at most 16 × 200 = 3,200/s"));
        }
        sb.append(row("kafka-producer-perf-test --throughput 10000", capped.get("recordsPerSecond"),
                capped.get("cpuMicrosPerMessage"), capped.get("brokerCpuMicrosPerMessage"), "send to ack: p50 "
                        + capped.get("p50LatencyMs") + " ms, p99 " + capped.get("p99LatencyMs") + " ms"));
        sb.append(row("kafka-producer-perf-test --throughput -1", max.get("recordsPerSecond"),
                max.get("cpuMicrosPerMessage"), max.get("brokerCpuMicrosPerMessage"), "send to ack: p50 "
                        + max.get("p50LatencyMs") + " ms, p99 " + max.get("p99LatencyMs") + " ms"));
        sb.append(row("Worker, consuming " + consume.get("records") + " notifications", consume.get("workerPerSecond"),
                consume.get("workerCpuMicrosPerMessage"), consume.get("workerBrokerCpuMicrosPerMessage"),
                "first to last commit; lost " + consume.get("workerLost") + ", duplicates "
                        + consume.get("workerDuplicates")));
        sb.append(row("kafka-consumer-perf-test, same records", consume.get("consumerPerformanceFetchPerSecond"),
                consume.get("consumerPerformanceCpuMicrosPerMessage"),
                consume.get("consumerPerformanceBrokerCpuMicrosPerMessage"), "fetch.nMsg.sec (group join excluded)"));
        sb.append("\n| end to end | mean (ms) | p50 (ms) | p99 (ms) | notes |\n|---|---:|---:|---:|---|\n");
        sb.append(String.format(Locale.ROOT, "| Host → Kafka → Worker at 1,000/s (async, 16 in flight) | %s | %s | %s | %s/s "
                + "consumed; from the Worker's histogram |%n", e2e.get("meanMs"), e2e.get("p50Ms"), e2e.get("p99Ms"),
                e2e.get("consumedPerSecond")));
        sb.append(String.format(Locale.ROOT, "| kafka-e2e-latency (EndToEndLatency), one record at a time | %s | %s | "
                + "%s | linger.ms=0, fetch.max.wait.ms=0; whole milliseconds |%n", e2e.get("referenceMeanMs"),
                e2e.get("referenceP50Ms"), e2e.get("referenceP99Ms")));
        report.markdown(sb.toString());
    }

    private static String pct(Object fraction) {
        return fraction instanceof Number n ? Math.round(n.doubleValue() * 100) + " %" : "?";
    }

    private static String row(String what, Object rate, Object cpu, Object brokerCpu, String notes) {
        return "| " + what + " | " + num(rate) + " | " + num(cpu) + " | " + num(brokerCpu) + " | " + notes + " |\n";
    }

    private static String num(Object o) {
        return o instanceof Number n ? Report.fmt(n.doubleValue()) : String.valueOf(o);
    }
}
