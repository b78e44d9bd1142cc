package dev.interactiondemo.bench;

import java.util.Locale;
import java.util.Map;

/**
 * The pipeline bench's Markdown: its JSON section as two tables, our programs' rows beside the Kafka tools' (rates
 * and CPU per message; end-to-end latency).
 */
final class PipelineMarkdown {
    private PipelineMarkdown() {
    }

    /** The tables for the {@code pipeline} section {@link PipelineBench} filled. */
    static String of(Map<String, Object> section) {
        Map<?, ?> produce = (Map<?, ?>) section.get("produce");
        Map<?, ?> sync = (Map<?, ?>) produce.get("hostSync");
        Map<?, ?> async = (Map<?, ?>) produce.get("hostAsync");
        Map<?, ?> capped = (Map<?, ?>) produce.get("producerPerformanceAtHostCap");
        Map<?, ?> max = (Map<?, ?>) produce.get("producerPerformanceUncapped");
        Map<?, ?> lesson = (Map<?, ?>) section.get("withGreeterDelay");
        Map<?, ?> consume = (Map<?, ?>) section.get("consume");
        Map<?, ?> e2e = (Map<?, ?>) section.get("endToEnd");
        StringBuilder sb = new StringBuilder("## The Kafka pipeline vs Kafka's own tools\n\n");
        sb.append(String.format(Locale.ROOT, "One broker (%s); topics of %d partitions; records of %d bytes (a "
                + "serialized Notification); producer settings %s on both sides. CPU per message: the measured "
                + "process's own CPU time over the messages it handled (the Host's includes its gRPC client).%n%n",
                section.get("broker"), section.get("partitions"), section.get("recordSizeBytes"),
                section.get("producerSettings")));
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
        return sb.toString();
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
