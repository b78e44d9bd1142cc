package dev.interactiondemo.bench;

import dev.interactiondemo.common.Threads;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A healthy demo's status age while 60 demos point at a Kafka that never answers (at most 2 status
 * intervals). A fresh operator (status interval {@link #STATUS_INTERVAL}) watches its own namespace, where 60
 * Direct-mode demos name a {@link SilentKafka} as their bootstrap address, then one healthy Direct-mode demo names the
 * bench's broker. Once the healthy demo is done ({@link Tracker}), the bench produces {@link #RECORDS_PER_SECOND}
 * records a second into its topic, so that every reading of Kafka changes its counts (the operator rewrites a status
 * only when something besides the reading time changed), and samples its status every {@link #SAMPLE_EVERY} for
 * {@code Mode.silentKafkaIntervals} intervals.
 * <p>
 * The status age at a sample is the sample's time minus {@code status.messages.lastUpdated}, when the operator last
 * read Kafka for the demo: how old the produced / consumed / lag figures of {@code kubectl get idemo} are. A healthy
 * demo read every interval shows ages from 0 to 1 interval (plus the time to write the status); ages above that
 * mean the demo's readings wait on something, e.g. on the silent cluster.
 */
final class SilentKafkaCase {
    static final int SILENT_DEMOS = 60;
    /** The operator's STATUS_INTERVAL in this case: half the default (10 s), to keep the case short. */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);
    static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    static final int RECORDS_PER_SECOND = 10;
    private static final String NS = "silent-kafka";
    private static final String HEALTHY = "healthy";

    private final OperatorRig rig;
    private final Report report;

    SilentKafkaCase(OperatorRig rig, Report report) {
        this.rig = rig;
        this.report = report;
    }

    /** Runs the case; returns its JSON (and adds its table and ratio to the report). */
    Map<String, Object> run() {
        rig.namespace(NS);
        int http = Procs.freePort();
        int intervals = rig.ctx().mode().silentKafkaIntervals();
        double intervalS = STATUS_INTERVAL.toMillis() / 1000.0;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("silentDemos", SILENT_DEMOS);
        out.put("statusIntervalSeconds", intervalS);
        out.put("windowIntervals", intervals);
        out.put("recordsPerSecond", RECORDS_PER_SECOND);
        try (SilentKafka silent = new SilentKafka();
             Procs.Child op = rig.startOperator("operator-silent-kafka", NS, http, false,
                     Map.of("STATUS_INTERVAL", STATUS_INTERVAL.toSeconds() + "s"));
             Tracker tracker = new Tracker(rig.client(), NS)) {
            OperatorRig.awaitReady(op, http);
            long t0 = System.nanoTime();
            tracker.start = t0;
            OperatorRig.parallel(SILENT_DEMOS, i -> create(rig.demo(NS, "silent-" + i, silent.bootstrap())));
            GenericKubernetesResource healthy = create(rig.demo(NS, HEALTHY));
            tracker.awaitDemo(HEALTHY, op, Duration.ofMinutes(2));
            out.put("healthyDoneSeconds", Report.round((System.nanoTime() - t0) / 1e9, 3));
            try (Feed feed = new Feed(rig.broker(), OperatorRig.topicOf(healthy))) {
                awaitCounting(op, intervalS);
                List<Double> ages = new ArrayList<>();
                Set<String> readings = new HashSet<>();
                long end = System.nanoTime() + STATUS_INTERVAL.toNanos() * intervals;
                while (System.nanoTime() < end) {
                    op.requireAlive();
                    String lastUpdated = lastUpdated(get(HEALTHY));
                    ages.add((System.currentTimeMillis() - Instant.parse(lastUpdated).toEpochMilli()) / 1000.0);
                    readings.add(lastUpdated);
                    Procs.sleep(SAMPLE_EVERY.toMillis());
                }
                out.put("recordsProduced", feed.sent());
                summarize(out, ages, readings.size(), intervalS);
            }
            out.put("silentDemosNotReadyKafkaUnreachable", silentDemosSayingWhy());
            out.put("connectionsToSilentKafka", silent.accepted());
        }
        double maxS = (double) out.get("maxAgeSeconds");
        report.ratio("operator", "healthy demo's max status age beside 60 demos on a silent Kafka (status intervals)",
                maxS, intervalS, "s", "lower", "max age of status.messages.lastUpdated over one status interval; "
                        + "goal <= 2");
        Log.info("silent Kafka: the healthy demo's status age max %.1f s (%.2f intervals), p50 %.1f s over %s samples; "
                        + "%s of %d silent demos not ready with KafkaUnreachable", maxS, maxS / intervalS,
                out.get("p50AgeSeconds"), out.get("samples"), out.get("silentDemosNotReadyKafkaUnreachable"),
                SILENT_DEMOS);
        markdown(out);
        return out;
    }

    private GenericKubernetesResource create(GenericKubernetesResource demo) {
        return rig.client().genericKubernetesResources(OperatorRig.IDEMO).inNamespace(NS).resource(demo).create();
    }

    private GenericKubernetesResource get(String name) {
        return rig.client().genericKubernetesResources(OperatorRig.IDEMO).inNamespace(NS).withName(name).get();
    }

    /** Waits until the healthy demo's status counts the bench's records (its readings move from then on). */
    private void awaitCounting(Procs.Child op, double intervalS) {
        long deadline = System.nanoTime() + (long) ((3 * intervalS + 30) * 1e9);
        while (!(messages(get(HEALTHY)).get("produced") instanceof Number p && p.longValue() > 0)) {
            op.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the healthy demo's status does not count the records produced "
                        + "into its topic; operator log " + op.log());
            }
            Procs.sleep(100);
        }
    }

    private static Map<?, ?> status(GenericKubernetesResource demo) {
        return demo != null && demo.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s : Map.of();
    }

    private static Map<?, ?> messages(GenericKubernetesResource demo) {
        return status(demo).get("messages") instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String lastUpdated(GenericKubernetesResource demo) {
        if (!(messages(demo).get("lastUpdated") instanceof String s)) {
            throw new IllegalStateException("the healthy demo's status has no messages.lastUpdated: " + status(demo));
        }
        return s;
    }

    /** Silent demos whose Ready condition is not True and one of whose conditions has reason KafkaUnreachable. */
    private long silentDemosSayingWhy() {
        return rig.client().genericKubernetesResources(OperatorRig.IDEMO).inNamespace(NS).list().getItems().stream()
                .filter(d -> d.getMetadata().getName().startsWith("silent-"))
                .filter(d -> {
                    List<?> conditions = status(d).get("conditions") instanceof List<?> l ? l : List.of();
                    boolean ready = conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m
                            && "Ready".equals(m.get("type")) && "True".equals(m.get("status")));
                    boolean unreachable = conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m
                            && "KafkaUnreachable".equals(m.get("reason")));
                    return !ready && unreachable;
                }).count();
    }

    private static void summarize(Map<String, Object> out, List<Double> ages, int readings, double intervalS) {
        double[] sorted = ages.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double max = Report.percentile(sorted, 1);
        double p50 = Report.percentile(sorted, 0.5);
        out.put("samples", sorted.length);
        out.put("readingsSeen", readings);
        out.put("maxAgeSeconds", Report.round(max, 3));
        out.put("maxAgeIntervals", Report.round(max / intervalS, 3));
        out.put("p50AgeSeconds", Report.round(p50, 3));
        out.put("p50AgeIntervals", Report.round(p50 / intervalS, 3));
    }

    private void markdown(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("## A healthy demo beside 60 demos on a silent Kafka\n\n");
        sb.append("| status interval (s) | window (intervals) | samples | readings seen | status age max (s) "
                + "| max (intervals) | p50 (s) | p50 (intervals) | silent demos not ready, KafkaUnreachable "
                + "| connections to the silent Kafka |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | **%s** | %s | %s | %s of %s | %s |%n",
                r.get("statusIntervalSeconds"), r.get("windowIntervals"), r.get("samples"), r.get("readingsSeen"),
                r.get("maxAgeSeconds"), r.get("maxAgeIntervals"), r.get("p50AgeSeconds"), r.get("p50AgeIntervals"),
                r.get("silentDemosNotReadyKafkaUnreachable"), r.get("silentDemos"), r.get("connectionsToSilentKafka")));
        sb.append(String.format(Locale.ROOT, "%nA fresh operator with STATUS_INTERVAL=%ss; 60 Direct-mode demos name "
                + "an address that accepts connections and never answers, one healthy demo the real broker, into "
                + "whose topic the bench produces %d records/s. Status age = sample time (every %d ms) minus the "
                + "healthy demo's status.messages.lastUpdated (when the operator last read Kafka for it); goal: at "
                + "most 2 intervals.%n", STATUS_INTERVAL.toSeconds(), RECORDS_PER_SECOND, SAMPLE_EVERY.toMillis()));
        report.markdown(sb.toString());
    }

    /** Produces small records into a topic at {@link #RECORDS_PER_SECOND}, from the bench's JVM. */
    private static final class Feed implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Threads.daemon("silent-kafka-feed"));
        private volatile long sent;

        Feed(BenchBroker broker, String topic) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap,
                    ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, 0),
                    new ByteArraySerializer(), new ByteArraySerializer());
            byte[] value = "bench".getBytes(StandardCharsets.UTF_8);
            timer.scheduleAtFixedRate(() -> {
                producer.send(new ProducerRecord<>(topic, value));
                sent++;
            }, 0, 1000 / RECORDS_PER_SECOND, TimeUnit.MILLISECONDS);
        }

        long sent() {
            return sent;
        }

        @Override
        public void close() {
            timer.shutdownNow();
            producer.close(Duration.ofSeconds(5));
        }
    }
}
