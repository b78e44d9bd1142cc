package dev.interactiondemo.notifier;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.interactiondemo.notifier.NotifierMainTest.committed;
import static dev.interactiondemo.notifier.PipelineTest.endOffsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Worker's injected fault failBeforeCommit, embedded (as the sandbox runs it) on a real broker. */
class WorkerFaultTest {

    @Test
    void theSwitchTakesARateFrom0To1() {
        WorkerFaults faults = new WorkerFaults();
        assertEquals(0, faults.failBeforeCommit());
        assertTrue(!faults.failsBeforeCommit());
        faults.setFailBeforeCommit(1);
        assertTrue(faults.failsBeforeCommit());
        assertEquals(0.01, new WorkerFaults(0.01).failBeforeCommit());
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> faults.setFailBeforeCommit(bad));
            assertThrows(IllegalArgumentException.class, () -> new WorkerFaults(bad));
        }
        assertEquals(1, faults.failBeforeCommit(), "a bad value changes nothing");
    }

    /**
     * Every batch fails before its commit: the embedded Worker closes its consumer without committing, creates a new
     * one and gets the same batch again; its audit counts the redelivery as duplicates, nothing as lost. Switched
     * off, it commits and catches up: every notification delivered, none lost.
     */
    @Test
    void failingBeforeEveryCommitRedeliversAsDuplicatesAndLosesNothing() throws Exception {
        String topic = "fail-before-commit";
        String group = topic + "-workers";
        try (Rig rig = Rig.on(topic)) {
            Admin admin = rig.admin();
            List<String> common = rig.common();
            PrometheusMeterRegistry metrics = Metrics.newRegistry();
            DeliveryAudit audit = new DeliveryAudit();
            WorkerFaults faults = new WorkerFaults(1.0);
            try (NotificationHost host = new NotificationHost(NotifierMainTest.config("host", common, "--rate=100"),
                    Metrics.newRegistry());
                 NotificationWorker worker = new NotificationWorker(NotifierMainTest.config("worker", common), metrics,
                         audit, faults, OpenTelemetry.noop())) {
                host.start();
                worker.start();
                Await.until("three injected failures and duplicates", () -> worker.stats().injectedFailures() >= 3
                        && worker.stats().duplicates() > 0, Duration.ofSeconds(90));
                assertEquals(0, committed(admin, group), "nothing committed while every batch fails");
                assertEquals(0, worker.stats().lost());

                faults.setFailBeforeCommit(0);
                long failures = worker.stats().injectedFailures();
                // 100 more than delivered when the fault was switched off (the Worker, now committing, may well keep
                // up with them: against its moving count the wait would only pass while it reconnects).
                long deliveredAtSwitch = worker.stats().delivered();
                Await.until("the Host published 100 more", () -> host.stats().sent() >= deliveredAtSwitch + 100,
                        Duration.ofSeconds(60));
                host.close();
                long sent = host.stats().sent();
                Await.until("the Worker caught up and committed", () -> committed(admin, group) == endOffsets(admin, topic, 3),
                        Duration.ofSeconds(60));
                NotificationWorker.Stats stats = worker.stats();
                synchronized (audit) {
                    assertEquals(sent, audit.delivered(), "every notification delivered");
                    assertEquals(0, audit.lost(), "none lost");
                    assertTrue(audit.duplicates() > 0, "redelivered after each injected failure");
                }
                assertEquals(failures, stats.injectedFailures(), "switched off: no more");
                assertEquals(sent, stats.delivered());
                assertEquals(stats.consumed(), stats.delivered() + stats.duplicates());
                String scrape = metrics.scrape();
                assertTrue(scrape.contains("notifier_injected_failures_total " + (double) failures), scrape);
                assertTrue(scrape.contains("notifier_delivered_total " + (double) sent), scrape);
                assertTrue(scrape.contains("notifier_duplicates_total " + (double) stats.duplicates()), scrape);
                assertTrue(scrape.contains("notifier_lost_total 0.0"), scrape);
                assertTrue(scrape.contains("notifier_fault_fail_before_commit 0.0"), scrape);
            }
        }
    }

    /**
     * Two Workers in one group, each failing before some of its commits while the Host publishes: partitions go back
     * and forth between them, held at a failure, processed further by the other, got back. Duplicates show, never a
     * loss; switched off, between them every notification is delivered.
     */
    @Test
    void twoWorkersFailingInTurnShowDuplicatesAndNeverALoss() throws Exception {
        String topic = "fail-before-commit-two";
        String group = topic + "-workers";
        try (Rig rig = Rig.on(topic)) {
            Admin admin = rig.admin();
            List<String> common = rig.common();
            WorkerFaults faults = new WorkerFaults(0.3);
            DeliveryAudit a = new DeliveryAudit();
            DeliveryAudit b = new DeliveryAudit();
            try (NotificationHost host = new NotificationHost(NotifierMainTest.config("host", common, "--rate=20"),
                    Metrics.newRegistry());
                 NotificationWorker first = new NotificationWorker(NotifierMainTest.config("worker", common),
                         Metrics.newRegistry(), a, faults, OpenTelemetry.noop());
                 NotificationWorker second = new NotificationWorker(NotifierMainTest.config("worker", common),
                         Metrics.newRegistry(), b, faults, OpenTelemetry.noop())) {
                host.start();
                first.start();
                second.start();
                Await.until("30 injected failures between them", () -> first.stats().injectedFailures()
                        + second.stats().injectedFailures() >= 30, Duration.ofSeconds(150));
                faults.setFailBeforeCommit(0);
                host.close();
                long sent = host.stats().sent();
                Await.until("the Workers caught up and committed", () -> committed(admin, group)
                        == endOffsets(admin, topic, 3), Duration.ofSeconds(60));
                synchronized (a) {
                    synchronized (b) {
                        assertEquals(0, a.lost() + b.lost(), "never a loss: first " + a.lost() + ", second "
                                + b.lost());
                        assertTrue(a.duplicates() + b.duplicates() > 0, "redelivered after the failures");
                        assertTrue(a.delivered() + b.delivered() >= sent, "every notification delivered");
                    }
                }
            }
        }
    }

    /** A topic of 3 partitions on the shared broker, a Greeter, and the flags the Host and the Workers share. */
    private record Rig(Admin admin, GreeterServer greeter, List<String> common) implements AutoCloseable {
        static Rig on(String topic) throws Exception {
            LocalKafkaBroker kafka = LocalKafkaBroker.shared();
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
            GreeterServer greeter = null;
            try {
                greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO), Metrics.newRegistry());
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
                return new Rig(admin, greeter, NotifierMainTest.flags(kafka, topic, greeter));
            } catch (Exception e) {
                if (greeter != null) {
                    greeter.close();
                }
                admin.close();
                throw e;
            }
        }

        @Override
        public void close() {
            greeter.close();
            admin.close();
        }
    }
}
