package dev.interactiondemo.notifier;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.Defaults;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotifierConfigTest {
    @Test
    void hostFromEnvironmentWithFlagOverrides() {
        NotifierConfig c = NotifierConfig.from(new String[] {"host", "--rate=20", "--call-mode=async"},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "GREETER_TARGET", "dns:///greeter:50051",
                        "NOTIFIER_RATE", "3", "NOTIFIER_PRODUCER_ID", "host-1"));
        assertEquals(NotifierConfig.Role.HOST, c.role());
        assertEquals("notifications", c.topic());
        assertEquals(8080, c.httpPort());
        assertEquals(20.0, c.host().rate());
        assertEquals(NotifierConfig.CallMode.ASYNC, c.host().callMode());
        assertEquals(Duration.ofSeconds(2), c.host().greeterDeadline());
        assertEquals("host-1", c.host().producerId());
        assertEquals(8, c.host().recipients().size());
        assertNull(c.worker());
    }

    /** The sandbox builds its Hosts and Workers as objects: with the very defaults the notifier program reads. */
    @Test
    void configurationsBuiltAsObjectsHaveTheProgramsDefaults() {
        NotifierConfig host = NotifierConfig.from(new String[] {"host", "--bootstrap-servers=k:9092",
                "--greeter-target=g:50051", "--producer-id=p-1"}, Map.of());
        assertEquals(host, NotifierConfig.of("k:9092", KafkaSecurityFiles.NONE, Defaults.TOPIC,
                NotifierConfig.host("g:50051", Defaults.RATE, NotifierConfig.CallMode.SYNC, Defaults.MAX_IN_FLIGHT,
                        "p-1")));
        NotifierConfig worker = NotifierConfig.from(new String[] {"worker", "--bootstrap-servers=k:9092"}, Map.of());
        assertEquals(worker, NotifierConfig.of("k:9092", KafkaSecurityFiles.NONE, Defaults.TOPIC,
                NotifierConfig.worker(Defaults.GROUP_ID, Duration.ZERO)));
    }

    @Test
    void workerNeedsNoGreeter() {
        NotifierConfig c = NotifierConfig.from(new String[0], Map.of("NOTIFIER_ROLE", "worker",
                "KAFKA_BOOTSTRAP_SERVERS", "a:1,b:2", "NOTIFIER_PROCESSING_DELAY", "250ms"));
        assertEquals(NotifierConfig.Role.WORKER, c.role());
        assertEquals("notification-workers", c.worker().groupId());
        assertEquals(Duration.ofMillis(250), c.worker().processingDelay());
        assertEquals(0, c.worker().faultFailBeforeCommit(), "no fault by default");
    }

    @Test
    void workerFaultFromEnvironmentOrFlag() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "NOTIFIER_FAULT_FAIL_BEFORE_COMMIT", "0.01");
        assertEquals(0.01, NotifierConfig.from(new String[] {"worker"}, env).worker().faults().failBeforeCommit());
        assertEquals(1, NotifierConfig.from(new String[] {"worker", "--fault-fail-before-commit=1"}, env).worker()
                .faultFailBeforeCommit());
        ConfigException e = assertThrows(ConfigException.class, () -> NotifierConfig.from(
                new String[] {"worker", "--fault-fail-before-commit=often"}, env));
        assertEquals(List.of("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT (--fault-fail-before-commit): 'often' is not a number"),
                e.problems());
    }

    @Test
    void badConfigurationNamesEveryBadValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> NotifierConfig.from(
                new String[] {"host", "--rate=100000", "--topic=bad topic!"},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka", "NOTIFIER_CALL_MODE", "telepathy",
                        "NOTIFIER_GREETER_DEADLINE", "1ms")));
        List<String> p = e.problems();
        assertTrue(p.contains("KAFKA_BOOTSTRAP_SERVERS (--bootstrap-servers): 'kafka' is not a list of host:port"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("NOTIFIER_TOPIC (--topic): 'bad topic!' is not a valid Kafka topic name")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("GREETER_TARGET (--greeter-target) is required")), p.toString());
        assertTrue(p.contains("NOTIFIER_RATE (--rate): 100000 is out of range [0.01, 10000]"), p.toString());
        assertTrue(p.contains("NOTIFIER_CALL_MODE (--call-mode): 'telepathy' is not one of sync, async"), p.toString());
        assertTrue(p.contains("NOTIFIER_GREETER_DEADLINE (--greeter-deadline): 1ms is out of range [10ms, 1m]"), p.toString());
        assertEquals(6, p.size(), p.toString());
    }

    @Test
    void roleIsRequiredAndChecked() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> NotifierConfig.from(new String[0], Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "GREETER_TARGET", "g:1")));
        assertTrue(missing.getMessage().contains("NOTIFIER_ROLE (--role) is required"), missing.getMessage());
        ConfigException wrong = assertThrows(ConfigException.class,
                () -> NotifierConfig.from(new String[] {"janitor"}, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1")));
        assertTrue(wrong.getMessage().contains("'janitor' is not one of host, worker"), wrong.getMessage());
    }

    @Test
    void aSmallerBatchKeepsASlowWorkerInItsGroup() {
        assertEquals(500, NotificationWorker.maxPollRecords(Duration.ZERO));
        assertEquals(300, NotificationWorker.maxPollRecords(Duration.ofMillis(100)));
        assertEquals(1, NotificationWorker.maxPollRecords(Duration.ofSeconds(60)));
    }
}
