package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notification.Notification;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static dev.interactiondemo.notifier.NotifierMainTest.committed;
import static dev.interactiondemo.notifier.NotifierMainTest.config;
import static dev.interactiondemo.notifier.NotifierMainTest.freePort;
import static dev.interactiondemo.notifier.NotifierMainTest.launch;
import static dev.interactiondemo.notifier.NotifierMainTest.metric;
import static dev.interactiondemo.notifier.NotifierMainTest.status;
import static dev.interactiondemo.notifier.PipelineTest.endOffsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Host and the Worker when the broker goes away, each test with a broker of its own: frozen for longer than the
 * Host's delivery timeout (30 s); crashed, then back on the same port with the same data; and at the Host's
 * shutdown.
 */
class KafkaOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final Duration CRASH = Duration.ofSeconds(15);
    private static final int PARTITIONS = 3;
    private static final int MAX_PENDING = 20;

    /**
     * About 90 s. The broker's JVM is frozen (SIGSTOP) for 60 s under a running Host (20 notifications/s) and Worker,
     * as a hung broker or a partition that drops packets: connections stay open, nothing answers, the producer keeps
     * the topic's metadata. The Host holds back at {@value #MAX_PENDING} pending notifications, their delivery
     * timeout (30 s) expires, and no Greeter call is made until the broker answers again (SIGCONT); then the Host
     * sends them again, unchanged, and nothing is lost.
     */
    @Test
    void theHostLosesNothingWhenTheBrokerIsAwayLongerThanItsDeliveryTimeout() throws Exception {
        throughOutage("frozen", (kafka, host) -> {
            ProcessHandle broker = brokerProcess(kafka);
            signal(broker, "STOP");
            long stoppedAt = System.nanoTime();
            try {
                Await.until("the Host holds back at " + MAX_PENDING + " pending",
                        () -> host.stats().pending() == MAX_PENDING, Duration.ofSeconds(30));
                Await.until("a send failed: the delivery timeout expired", () -> host.stats().sendFailures() > 0,
                        Duration.ofSeconds(60));
                long callsAtFailure = host.stats().greeterCalls();
                // The scenario: the broker stays away for 60 s in all, twice the Host's delivery timeout, and the
                // Host, checked after it, made no Greeter call over that whole time.
                long outageLeft = Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000);
                Thread.sleep(outageLeft); // the scenario: the fault held for the rest of the outage, not a wait
                assertEquals(callsAtFailure, host.stats().greeterCalls(), "no Greeter call while Kafka takes nothing");
                assertEquals(MAX_PENDING, host.stats().pending(), "the outbox stays bounded");
                assertTrue(host.notReadyReason().orElse("").contains("kafka: "), host.notReadyReason().toString());
            } finally {
                signal(broker, "CONT");
            }
            return () -> { };
        });
    }

    /**
     * About 30 s. The broker's JVM is killed (a crash) and started again 15 s later on the same port with the same
     * data. kafka-clients 4 drops the topic's metadata when no broker is left to ask, so here a send fails after
     * max.block.ms (10 s) instead of the delivery timeout; the Host sends again what it held all the same.
     */
    @Test
    void theHostLosesNothingWhenTheBrokerCrashesAndComesBack() throws Exception {
        throughOutage("crash", (kafka, host) -> {
            ProcessHandle broker = brokerProcess(kafka);
            List<String> command = commandLine(broker);
            broker.destroyForcibly();
            broker.onExit().get(30, TimeUnit.SECONDS);
            Await.until("a send failed", () -> host.stats().sendFailures() > 0, Duration.ofSeconds(30));
            long callsAtFailure = host.stats().greeterCalls();
            Thread.sleep(CRASH.toMillis()); // the scenario: the broker stays down a while longer, not a wait
            assertEquals(callsAtFailure, host.stats().greeterCalls(), "no Greeter call while Kafka takes nothing");
            Process restarted = restart(command, kafka);
            return () -> {
                restarted.destroy();
                restarted.waitFor(30, TimeUnit.SECONDS);
            };
        });
    }

    /** What a test does to the broker under a running Host; returns what undoes it at the end. */
    private interface Outage {
        AutoCloseable cause(LocalKafkaBroker kafka, NotificationHost host) throws Exception;
    }

    /**
     * A Host and a Worker on a broker of their own, through an outage: afterwards the Host has nothing pending, the
     * Worker committed everything and counted no loss, and an audit of the whole topic shows each notification the
     * Host numbered, and no gap.
     */
    private void throughOutage(String topic, Outage outage) throws Exception {
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                     Metrics.newRegistry())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            String group = topic + "-workers";
            List<String> common = List.of("--bootstrap-servers=" + kafka.bootstrapServers(), "--topic=" + topic,
                    "--greeter-target=localhost:" + greeter.port(), "--group-id=" + group, "--http-port=0");
            DeliveryAudit audit = new DeliveryAudit();
            NotificationWorker worker = new NotificationWorker(config("worker", common), Metrics.newRegistry(), audit);
            NotificationHost host = new NotificationHost(config("host", common, "--rate=20",
                    "--max-pending=" + MAX_PENDING), Metrics.newRegistry());
            AutoCloseable undo = null;
            try {
                worker.start();
                host.start();
                Await.until("some delivered", () -> worker.stats().consumed() >= 40, Duration.ofSeconds(60));
                long sentBefore = host.stats().sent();
                undo = outage.cause(kafka, host);
                Await.until("the Host publishing again", () -> host.stats().pending() < MAX_PENDING
                        && host.stats().sent() >= sentBefore + MAX_PENDING + 40, Duration.ofSeconds(90));
                host.close();
                NotificationHost.Stats hostStats = host.stats();
                assertEquals(0, hostStats.pending());
                long sent = hostStats.sent();
                Await.until("the Worker consumed and committed everything",
                        () -> committed(admin, group) == endOffsets(admin, topic, PARTITIONS), Duration.ofSeconds(90));
                worker.close();

                DeliveryAudit whole = auditTopic(kafka.bootstrapServers(), topic);
                NotificationWorker.Stats workerStats = worker.stats();
                System.out.printf("%s: Host sent %d (%d failed sends, sent again), Kafka holds %d; whole topic: "
                                + "delivered %d, duplicates %d, lost %d; Worker: consumed %d, delivered %d, "
                                + "duplicates %d, lost %d%n", topic, sent, hostStats.sendFailures(),
                        endOffsets(admin, topic, PARTITIONS), whole.delivered(), whole.duplicates(), whole.lost(),
                        workerStats.consumed(), audit.delivered(), workerStats.duplicates(), workerStats.lost());
                assertEquals(0, whole.lost(), "no gap in any partition of the topic");
                assertEquals(sent, whole.delivered(), "every notification the Host numbered is in the topic");
                assertEquals(0, workerStats.lost(), "the Worker's audit counts no loss");
                assertTrue(audit.delivered() >= sent, "the Worker delivered every notification");
            } finally {
                host.close();
                worker.close();
                if (undo != null) {
                    undo.close();
                }
            }
        }
    }

    /**
     * A Host JVM stopped with SIGTERM while the broker is away: it exits within a pod's 30 s grace period and logs
     * what Kafka did not acknowledge.
     */
    @Test
    void aHostStoppedWhileKafkaIsAwayExitsInTimeAndSaysWhatWasNotAcknowledged() throws Exception {
        int port = freePort();
        Path out = Files.createTempFile("notifier-host", ".out");
        Process host = null;
        try (GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                Metrics.newRegistry())) {
            try (LocalKafkaBroker kafka = LocalKafkaBroker.start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("notifications", PARTITIONS, (short) 1))).all().get();
                host = launch(List.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "GREETER_TARGET", "localhost:" + greeter.port(), "NOTIFIER_RATE", "50",
                        "NOTIFIER_HTTP_PORT", String.valueOf(port)), out, "host");
                Await.until("ready", () -> status(port, "/readyz") == 200, Duration.ofSeconds(60));
                Await.until("publishing", () -> metric(port, "notifier_sent_total") >= 20, Duration.ofSeconds(30));
            } // the broker stops here, for good
            int p = port;
            // What this test needs: notifications the Host numbered that Kafka, now gone for good, will never
            // acknowledge. How many there are is a race, not a property of the Host: the producer takes records (and
            // the outbox grows at 50/s) only until it drops the topic's metadata, within a few hundred milliseconds of
            // the broker's shutdown (kafka-clients 4 re-bootstraps when no broker is left); from then on the pacer's
            // send() blocks for up to max.block.ms (10 s) and, once it failed, the Host holds back. Under load that
            // window holds fewer than 10 notifications, and the outbox never grows past them. At least one is pending
            // either way, and stays: the pacer numbers notifications until a send fails, and a failed one stays in the
            // outbox. SIGTERM may come while the pacer is still blocked in send(): the worst case for the deadline.
            Await.until("notifications pending", () -> metric(p, "notifier_pending") >= 1, Duration.ofSeconds(30));
            double pendingAtSigterm = metric(p, "notifier_pending");
            long start = System.nanoTime();
            host.destroy(); // SIGTERM
            assertTrue(host.waitFor(30, TimeUnit.SECONDS), "the Host exits within the grace period");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            String log = Files.readString(out);
            System.out.printf("shutdown with the broker away (%.0f pending at SIGTERM): %d s%n", pendingAtSigterm,
                    seconds);
            Matcher said = Pattern.compile("Kafka did not acknowledge (\\d+) notifications, which may be lost: "
                    + "(partition \\d+: \\d+ \\(#\\d+-#\\d+\\)(, )?)+").matcher(log);
            assertTrue(said.find(), log);
            long notAcknowledged = Long.parseLong(said.group(1));
            assertTrue(notAcknowledged >= 1, log);
            long byPartition = Pattern.compile("partition \\d+: (\\d+) ").matcher(said.group())
                    .results().mapToLong(r -> Long.parseLong(r.group(1))).sum();
            assertEquals(notAcknowledged, byPartition, "the partitions' counts add up: " + said.group());
        } finally {
            if (host != null) {
                host.destroyForcibly();
            }
            System.out.println("The Host's log:\n" + Files.readString(out));
            Files.deleteIfExists(out);
        }
    }

    /** The broker's JVM: a child of this one, the one whose arguments name the broker's server.properties. */
    private static ProcessHandle brokerProcess(LocalKafkaBroker kafka) {
        String properties = kafka.logFile().resolveSibling("server.properties").toString();
        return ProcessHandle.current().children().filter(p -> commandLine(p).contains(properties)).findFirst()
                .orElseThrow(() -> new AssertionError("no broker JVM with " + properties));
    }

    /** Sends a signal: STOP freezes a process, CONT lets it go on. */
    private static void signal(ProcessHandle p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor());
    }

    /**
     * A process's command line, from Linux's /proc (ProcessHandle.Info gives no arguments when they are as long as
     * a class path of Kafka's jars).
     */
    private static List<String> commandLine(ProcessHandle p) {
        try {
            return List.of(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Starts the broker's JVM again with the same command line: same ports, same data directory (LocalKafkaBroker
     * has no restart of its own), and waits until it answers.
     */
    private static Process restart(List<String> command, LocalKafkaBroker kafka) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(kafka.logFile().getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(kafka.logFile().toFile()))
                .start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Await.until("the broker is back", () -> {
                try {
                    return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(90));
        }
        return p;
    }

    /** An audit of every record in the topic, read from the start in one pass. */
    private static DeliveryAudit auditTopic(String bootstrapServers, String topic) throws Exception {
        DeliveryAudit audit = new DeliveryAudit();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(topic);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            // Each poll waits up to 500 ms for records itself; the consumer is used from this thread only.
            Await.until("the topic read to its end", () -> {
                if (partitions.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                    return true;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Notification n = Notification.parseFrom(r.value());
                    audit.record(n.getProducerId(), r.partition(), n.getPartitionSequence());
                }
                return false;
            }, Duration.ofSeconds(60), Duration.ZERO);
        }
        return audit;
    }

    private static List<TopicPartition> partitions(String topic) {
        return IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }
}
