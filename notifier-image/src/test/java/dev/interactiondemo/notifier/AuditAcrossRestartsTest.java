package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.kafka.GroupRewind;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.interactiondemo.notifier.NotifierMainTest.committed;
import static dev.interactiondemo.notifier.PipelineTest.endOffsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit's memory travels with the group's committed offsets (on a real broker): a new Worker, with an audit of
 * its own, goes on counting where the group's commit left off, after a plain restart as after the group was moved
 * back.
 */
class AuditAcrossRestartsTest {
    private static final String PRODUCER = "host-a";
    private static final int PARTITIONS = 3;
    private static Admin admin;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private GreeterServer greeter;
    private String topic;
    private String group;
    private List<String> common;

    @BeforeAll
    static void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalKafkaBroker.shared().bootstrapServers()));
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    private void setUp(TestInfo info) throws Exception {
        topic = "audit-" + info.getTestMethod().orElseThrow().getName();
        group = topic + "-workers";
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
        common = NotifierMainTest.flags(LocalKafkaBroker.shared(), topic, greeter);
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

    private NotificationHost host() {
        NotificationHost h = new NotificationHost(NotifierMainTest.config("host", common, "--rate=100",
                "--producer-id=" + PRODUCER), Metrics.newRegistry());
        toClose.add(h);
        return h.start();
    }

    /** A Worker with an audit of its own: a new process, as far as the audit knows. */
    private NotificationWorker worker(DeliveryAudit audit) {
        NotificationWorker w = new NotificationWorker(NotifierMainTest.config("worker", common), Metrics.newRegistry(),
                audit);
        toClose.add(w);
        return w.start();
    }

    private Map<TopicPartition, OffsetAndMetadata> commits() throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    private Map<Integer, Long> ends() throws Exception {
        var request = IntStream.range(0, PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    /**
     * One Host, no resend: the record at offset o of a partition is its number o + 1, so a commit at offset o
     * remembers number o.
     */
    private void assertCommitsRememberTheirOffsets() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commits = commits();
        assertTrue(!commits.isEmpty(), "the Worker committed");
        commits.forEach((tp, c) -> assertEquals(Map.of(PRODUCER, c.offset()),
                AuditMemory.decode(c.metadata()).orElseThrow(), tp + ": " + c));
    }

    private void awaitCaughtUp() {
        Await.until("the Worker caught up and committed", () -> committed(admin, group)
                == endOffsets(admin, topic, PARTITIONS), Duration.ofSeconds(60));
    }

    /**
     * A Worker stopped (it commits on the way out) and a new Worker, with a new audit, while the Host publishes on:
     * the new one goes on counting from the commit, no duplicate, no loss, and between them every notification is
     * delivered once; its own commits carry the memory on.
     */
    @Test
    void aRestartedWorkerGoesOnCountingFromTheGroupsCommit(TestInfo info) throws Exception {
        setUp(info);
        NotificationHost host = host();
        DeliveryAudit first = new DeliveryAudit();
        NotificationWorker w1 = worker(first);
        Await.until("the first Worker delivered 60", () -> w1.stats().delivered() >= 60, Duration.ofSeconds(60));
        w1.close();
        long deliveredByFirst = first.delivered();
        assertEquals(deliveredByFirst, committed(admin, group), "it committed all it processed on its way out");
        assertCommitsRememberTheirOffsets();

        DeliveryAudit second = new DeliveryAudit();
        NotificationWorker w2 = worker(second);
        Await.until("the Host published 100 more", () -> host.stats().sent() >= deliveredByFirst + 100,
                Duration.ofSeconds(60));
        host.close();
        long sent = host.stats().sent();
        awaitCaughtUp();
        synchronized (second) {
            assertEquals(0, second.duplicates(), "nothing the first Worker committed came again");
            assertEquals(0, second.lost(), "no gap after the commit");
            assertEquals(sent - deliveredByFirst, second.delivered(), "exactly what came after the commit");
            for (var end : ends().entrySet()) {
                if (end.getValue() > 0) {
                    assertEquals(Map.of(PRODUCER, end.getValue()), second.lastSequences(end.getKey()),
                            "partition " + end.getKey() + ": the count goes on to its last number");
                }
            }
        }
        assertEquals(0, w2.stats().duplicates());
        assertEquals(0, w2.stats().lost());
        assertCommitsRememberTheirOffsets();
    }

    /**
     * The replay lesson: the Workers stopped, their group moved back by 10 per partition, a new Worker (new audit)
     * while the Host publishes on. It counts as duplicates exactly what the rewind moved back, then delivers the new
     * notifications once each, none lost.
     */
    @Test
    void aGroupMovedBackIsCountedAsExactlyTheDuplicatesTheRewindPredicted(TestInfo info) throws Exception {
        setUp(info);
        NotificationHost host = host();
        DeliveryAudit first = new DeliveryAudit();
        NotificationWorker w1 = worker(first);
        Await.until("the first Worker delivered 90", () -> w1.stats().delivered() >= 90, Duration.ofSeconds(60));
        w1.close();
        long deliveredByFirst = first.delivered();
        Map<TopicPartition, OffsetAndMetadata> before = commits();
        long expected = before.values().stream().mapToLong(c -> Math.min(10, c.offset())).sum();

        long moved = GroupRewind.rewind(admin, group, topic, 10, Duration.ofSeconds(10));
        assertEquals(expected, moved, "10 per partition, fewer where fewer were committed");
        assertTrue(moved > 0);
        commits().forEach((tp, c) -> assertEquals(before.get(tp).metadata(), c.metadata(), tp + ": metadata kept"));

        DeliveryAudit second = new DeliveryAudit();
        NotificationWorker w2 = worker(second);
        Await.until("the Host published 100 more", () -> host.stats().sent() >= deliveredByFirst + 100,
                Duration.ofSeconds(60));
        host.close();
        long sent = host.stats().sent();
        awaitCaughtUp();
        NotificationWorker.Stats stats = w2.stats();
        System.out.printf("rewound by %d; the new Worker: %d consumed, %d delivered, %d duplicates, %d lost%n", moved,
                stats.consumed(), stats.delivered(), stats.duplicates(), stats.lost());
        synchronized (second) {
            assertEquals(moved, second.duplicates(), "the duplicates the rewind predicted, exactly");
            assertEquals(0, second.lost());
            assertEquals(sent - deliveredByFirst, second.delivered(), "what came after the first Worker's commit");
        }
        assertEquals(moved, stats.duplicates());
        assertEquals(stats.consumed(), stats.delivered() + stats.duplicates());
        assertCommitsRememberTheirOffsets();
    }
}
