package dev.interactiondemo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own performance tools, the pipeline bench's references, run as child processes of this JVM against the
 * bench's broker: {@code ProducerPerformance} (kafka-producer-perf-test), {@code ConsumerPerformance}
 * (kafka-consumer-perf-test) and {@code EndToEndLatency} (kafka-e2e-latency). Each run's figures are read from the
 * tool's output; its CPU is that of the reaped child, the broker's is measured over the same run.
 */
final class KafkaPerfTools {
    private final BenchContext ctx;
    private final BenchBroker broker;

    KafkaPerfTools(BenchContext ctx, BenchBroker broker) {
        this.ctx = ctx;
        this.broker = broker;
    }

    /**
     * ProducerPerformance with the Host's producer settings: {@code records} of {@code size} bytes at
     * {@code throughput} records/s (-1: as fast as it can).
     */
    Map<String, Object> producerPerf(String topic, long records, int throughput, int size) {
        broker.createTopic(topic, PipelineBench.PARTITIONS);
        List<String> cmd = new ArrayList<>(List.of(Procs.java(), "-cp", ctx.classPath(),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", Long.toString(records),
                "--record-size", Integer.toString(size), "--throughput", Integer.toString(throughput),
                "--producer-props", "bootstrap.servers=" + broker.bootstrap));
        cmd.addAll(PipelineBench.HOST_PRODUCER_PROPS);
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
        r.put("cpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(children, records2), 1));
        r.put("brokerCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(brokerCpu, records2), 1));
        r.put("command", "kafka-producer-perf-test --topic " + topic + " --num-records " + records + " --record-size "
                + size + " --throughput " + throughput + " --producer-props bootstrap.servers=<broker> "
                + String.join(" ", PipelineBench.HOST_PRODUCER_PROPS));
        Log.info("ProducerPerformance %s: %s", topic, last);
        return r;
    }

    /** ConsumerPerformance reading the first {@code count} records of {@code topic} in a group of its own. */
    Map<String, Object> consumerPerf(String topic, long count) {
        Map<String, Object> out = new LinkedHashMap<>();
        long children = Cpu.reapedChildren();
        long brokerCpu = Cpu.process(broker.process().pid());
        String cp = Procs.run("consumer-perf", List.of(Procs.java(), "-cp", ctx.classPath(),
                "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", broker.bootstrap, "--topic", topic,
                "--messages", Long.toString(count), "--group", "bench-consumer-perf", "--timeout", "60000"),
                null, ctx.logs(), java.time.Duration.ofMinutes(10));
        children = Cpu.reapedChildren() - children;
        brokerCpu = Cpu.process(broker.process().pid()) - brokerCpu;
        out.put("consumerPerformanceCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(children, count), 1));
        out.put("consumerPerformanceBrokerCpuMicrosPerMessage", Report.round(Cpu.microsPerMessage(brokerCpu, count),
                1));
        Map<String, String> fields = csvAfterHeader(cp, "start.time");
        out.put("consumerPerformanceFetchPerSecond", Double.parseDouble(fields.get("fetch.nMsg.sec")));
        out.put("consumerPerformancePerSecond", Double.parseDouble(fields.get("nMsg.sec")));
        out.put("consumerPerformanceRebalanceMs", Double.parseDouble(fields.get("rebalance.time.ms")));
        out.put("command", "kafka-consumer-perf-test --bootstrap-server <broker> --topic " + topic + " --messages "
                + count + " --group bench-consumer-perf");
        return out;
    }

    /** EndToEndLatency: one record of {@code size} bytes at a time, acks=all, on a topic of its own. */
    Map<String, Object> endToEndLatency(int size) {
        Map<String, Object> out = new LinkedHashMap<>();
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
        return out;
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
}
