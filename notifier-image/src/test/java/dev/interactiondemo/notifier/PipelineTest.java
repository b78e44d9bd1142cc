package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Host and the Worker against a real Kafka broker (KRaft) and a real Greeter over a socket. */
class PipelineTest {
    private static LocalKafkaBroker kafka;
    private static Admin admin;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private GreeterServer greeter;
    private String topic;
    /** The last Host's metrics. */
    private PrometheusMeterRegistry hostMetrics;

    @BeforeAll
    static void startKafka() {
        kafka = LocalKafkaBroker.shared();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopKafka() {
        admin.close();
    }

    private void setUp(TestInfo info, Duration greeterDelay) throws Exception {
        topic = info.getTestMethod().orElseThrow().getName();
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        greeter = GreeterServer.start(0, "port", new GreeterImpl(256, greeterDelay), Metrics.newRegistry());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (greeter != null) {
            greeter.close();
        }
    }

    private NotifierConfig config(String role, String... flags) {
        List<String> args = new ArrayList<>(List.of(role, "--bootstrap-servers=" + kafka.bootstrapServers(),
                "--topic=" + topic, "--greeter-target=localhost:" + greeter.port(), "--group-id=" + topic + "-workers",
                "--retry-backoff=50ms", "--retry-backoff-max=500ms", "--http-port=0"));
        args.addAll(List.of(flags));
        return NotifierConfig.from(args.toArray(String[]::new), Map.of());
    }

    private NotificationHost host(String... flags) {
        hostMetrics = Metrics.newRegistry();
        NotificationHost h = new NotificationHost(config("host", flags), hostMetrics);
        toClose.add(h);
        return h.start();
    }

    private NotificationWorker worker(DeliveryAudit audit, PrometheusMeterRegistry registry, String... flags) {
        NotificationWorker w = new NotificationWorker(config("worker", flags), registry, audit);
        toClose.add(w);
        return w.start();
    }

    @Test
    void everyNotificationProducedIsConsumedOnceInSyncMode(TestInfo info) throws Exception {
        setUp(info, Duration.ZERO);
        assertEndToEnd("--call-mode=sync");
    }

    @Test
    void everyNotificationProducedIsConsumedOnceInAsyncMode(TestInfo info) throws Exception {
        setUp(info, Duration.ofMillis(20));
        assertEndToEnd("--call-mode=async", "--max-in-flight=8");
    }

    private void assertEndToEnd(String... hostFlags) {
        PrometheusMeterRegistry workerMetrics = Metrics.newRegistry();
        NotificationWorker worker = worker(new DeliveryAudit(), workerMetrics);
        List<String> flags = new ArrayList<>(List.of("--rate=200"));
        flags.addAll(List.of(hostFlags));
        NotificationHost host = host(flags.toArray(String[]::new));
        Await.until("150 notifications sent", () -> host.stats().sent() >= 150, Duration.ofSeconds(60));
        host.close(); // flushes
        long sent = host.stats().sent();
        assertEquals(0, host.stats().sendFailures());
        assertEquals(sent, endOffsets(), "Kafka holds exactly what the Host says it sent");
        Await.until("all " + sent + " consumed", () -> worker.stats().consumed() >= sent, Duration.ofSeconds(30));
        NotificationWorker.Stats stats = worker.stats();
        assertEquals(sent, stats.consumed());
        assertEquals(0, stats.duplicates());
        assertEquals(0, stats.lost());
        assertEquals(1, stats.producers());
        assertTrue(stats.endToEndP99Ms() > 0, "end-to-end latency is measured");
        String metrics = workerMetrics.scrape();
        assertTrue(metrics.contains("notifier_consumed_total " + (double) sent), metrics);
        assertTrue(metrics.contains("notifier_lost_total 0.0"), metrics);
        assertTrue(metrics.contains("notifier_end_to_end_latency_seconds_bucket"), metrics);
        assertEquals(0, stats.injectedFailures(), "no fault switched on, none injected");
        assertTrue(metrics.contains("notifier_injected_failures_total 0.0"), metrics);
        assertTrue(metrics.contains("notifier_delivered_total " + (double) sent), metrics);
        assertTrue(metrics.contains("notifier_end_to_end_latency_quantiles_seconds{quantile=\"0.5\"}"), metrics);
        assertTrue(metrics.contains("notifier_end_to_end_latency_quantiles_seconds{quantile=\"0.99\"}"), metrics);
    }

    /**
     * The pull model: notifications published while no Worker runs wait in Kafka; the Worker that starts later takes
     * them in large polls, and its meters show both the wait (at least the time it was away) and the poll sizes.
     */
    @Test
    void aWorkerStartedLateShowsTheWaitInKafkaAndLargePolls(TestInfo info) throws Exception {
        setUp(info, Duration.ZERO);
        NotificationHost host = host("--rate=200");
        Await.until("150 notifications sent", () -> host.stats().sent() >= 150, Duration.ofSeconds(60));
        host.close();
        long sent = host.stats().sent();
        long away = 1_500;
        Thread.sleep(away); // every notification now waits in Kafka at least this long
        PrometheusMeterRegistry workerMetrics = Metrics.newRegistry();
        NotificationWorker worker = worker(new DeliveryAudit(), workerMetrics);
        Await.until("all " + sent + " consumed", () -> worker.stats().consumed() >= sent, Duration.ofSeconds(30));
        NotificationWorker.Stats stats = worker.stats();
        assertTrue(stats.waitInKafkaP50Ms() >= away, "waited while nobody pulled: " + stats);
        assertTrue(stats.recordsPerPollMax() >= 10, "the backlog came in large polls: " + stats);
        assertTrue(stats.recordsPerPollMax() <= sent, stats.toString());
        String metrics = workerMetrics.scrape();
        assertTrue(metrics.contains("notifier_wait_in_kafka_quantiles_seconds{quantile=\"0.99\"}"), metrics);
        assertTrue(metrics.contains("notifier_poll_records{quantile=\"0.5\"}"), metrics);
        assertTrue(metrics.contains("notifier_poll_records_max " + stats.recordsPerPollMax()), metrics);
    }

    @Test
    void aRestartedWorkerResumesFromItsCommittedOffsetsAndLosesNothing(TestInfo info) throws Exception {
        setUp(info, Duration.ZERO);
        DeliveryAudit audit = new DeliveryAudit(); // one audit across both Worker runs
        NotificationHost host = host("--rate=100");
        NotificationWorker first = worker(audit, Metrics.newRegistry(), "--processing-delay=5ms");
        Await.until("first Worker consumed some", () -> first.stats().consumed() >= 50, Duration.ofSeconds(60));
        first.close(); // mid-stream: commits what it processed and leaves the group
        long consumedByFirst = first.stats().consumed();
        String group = topic + "-workers";
        long committed = NotifierMainTest.committed(admin, group);
        assertEquals(consumedByFirst, committed, "on its way out the first Worker committed all it processed");
        // The Host keeps publishing while no Worker runs: lag builds up behind the committed offsets.
        Await.until("100 notifications of lag", () -> endOffsets() - committed >= 100, Duration.ofSeconds(30));
        long lagAtRestart = endOffsets() - committed;
        assertTrue(lagAtRestart >= 100, "lag when the second Worker starts: " + lagAtRestart);
        NotificationWorker second = worker(audit, Metrics.newRegistry());
        Await.until("the Host published more", () -> host.stats().sent() >= consumedByFirst + 150, Duration.ofSeconds(60));
        host.close();
        long sent = host.stats().sent();
        Await.until("the second Worker caught up", () -> audit.delivered() >= sent, Duration.ofSeconds(60));
        assertEquals(sent, audit.delivered());
        assertEquals(0, audit.lost(), "nothing lost across the restart");
        assertTrue(second.stats().consumed() > 0);
        assertEquals(sent, consumedByFirst + second.stats().consumed() - audit.duplicates(),
                "every notification delivered; any extra delivery is an at-least-once duplicate");
        assertEquals(sent, endOffsets());
    }

    @Test
    void theHostRidesOutAGreeterOutageAndResumes(TestInfo info) throws Exception {
        setUp(info, Duration.ZERO);
        NotificationWorker worker = worker(new DeliveryAudit(), Metrics.newRegistry());
        NotificationHost host = host("--rate=50", "--greeter-deadline=300ms");
        Await.until("the Host is ready", () -> host.notReadyReason().isEmpty(), Duration.ofSeconds(30));
        Await.until("some sent", () -> host.stats().sent() >= 20, Duration.ofSeconds(30));
        int port = greeter.port();
        greeter.close();
        Await.until("failures counted", () -> host.stats().greeterFailures() >= 3, Duration.ofSeconds(30));
        assertTrue(host.notReadyReason().orElse("").startsWith("greeter: UNAVAILABLE"), host.notReadyReason().toString());
        String during = hostMetrics.scrape();
        assertTrue(during.contains("notifier_greeter_blocked 1.0"), during);
        assertTrue(value(during, "notifier_greeter_failures_total{code=\"UNAVAILABLE\"}")
                + value(during, "notifier_greeter_failures_total{code=\"DEADLINE_EXCEEDED\"}") >= 3, during);
        long sentDuringOutage = host.stats().sent();
        long failuresSoFar = host.stats().greeterFailures();
        // Over three more failed Greeter calls (the Host trying again), each a chance to publish: nothing is.
        Await.until("three more Greeter calls failed", () -> {
            long failures = host.stats().greeterFailures();
            assertEquals(sentDuringOutage, host.stats().sent(), "nothing is published without a greeting");
            return failures >= failuresSoFar + 3;
        }, Duration.ofSeconds(30));

        greeter = GreeterServer.start(port, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
        Await.until("publishing resumed", () -> host.stats().sent() >= sentDuringOutage + 20, Duration.ofSeconds(30));
        assertTrue(host.notReadyReason().isEmpty(), host.notReadyReason().toString());
        String after = hostMetrics.scrape();
        assertTrue(after.contains("notifier_greeter_blocked 0.0"), after);
        assertTrue(value(after, "notifier_greeter_calls_total") >= sentDuringOutage + 20 + 3, after);
        assertTrue(value(after, "notifier_greeter_latency_quantiles_seconds{quantile=\"0.5\"}") > 0, after);
        assertTrue(value(after, "notifier_greeter_latency_quantiles_seconds{quantile=\"0.99\"}") > 0, after);
        assertTrue(after.contains("notifier_greeter_latency_seconds_bucket"), after);
        host.close();
        long sent = host.stats().sent();
        Await.until("all consumed", () -> worker.stats().consumed() >= sent, Duration.ofSeconds(30));
        assertEquals(0, worker.stats().lost());
        assertEquals(sent, worker.stats().consumed());
    }

    @Test
    void aRecordThatIsNotANotificationIsSkippedAndCounted(TestInfo info) throws Exception {
        setUp(info, Duration.ZERO);
        NotificationWorker worker = worker(new DeliveryAudit(), Metrics.newRegistry());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, "x", "not protobuf \u0000\u00ff".getBytes(StandardCharsets.UTF_8))).get();
        }
        NotificationHost host = host("--rate=50");
        Await.until("notifications after the bad record consumed", () -> worker.stats().consumed() >= 10, Duration.ofSeconds(30));
        assertEquals(1, worker.stats().invalid());
        assertEquals(0, worker.stats().lost());
        host.close();
    }

    @Test
    void theWorkerIsNotReadyWhileItsTopicIsMissing(TestInfo info) throws Exception {
        setUp(info, Duration.ZERO);
        topic = "no-such-topic";
        NotificationWorker worker = worker(new DeliveryAudit(), Metrics.newRegistry());
        Await.until("not ready, with the reason", () -> worker.notReadyReason()
                .filter(r -> r.equals("kafka: topic no-such-topic does not exist")).isPresent(), Duration.ofSeconds(30));
    }

    /** A series' value in a Prometheus scrape, e.g. {@code value(text, "x_total{code=\"OK\"}")}; -1 if absent. */
    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    private long endOffsets() {
        return endOffsets(admin, topic, 3);
    }

    /** The sum of the topic's end offsets: how many records Kafka holds. */
    static long endOffsets(Admin admin, String topic, int partitions) {
        try {
            Map<TopicPartition, OffsetSpec> request = IntStream.range(0, partitions).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
