package dev.interactiondemo.engine;
import dev.interactiondemo.kafka.TopicObservation;

import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status as a pure function of what was observed. */
class StatusCalculatorTest {
    private record Images(String greeterImage, String notifierImage) implements DemoSettings.Images {
    }

    private static final Images CONFIG = new Images("greeter:test", "notifier:test");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final TopicObservation TOPIC = TopicObservation.ready("Exists", "topic exists", 3);
    private static final GreeterHealthCheck.Health SERVING = new GreeterHealthCheck.Health("SERVING", "");

    private static InteractionDemo demo(String consumer) {
        InteractionDemo d = Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata: {name: hello, namespace: demo, generation: 4}
                spec:
                  kafka: {bootstrapServers: "kafka:9092", topic: {management: Direct}}
                  worker: %s
                """.formatted(consumer), InteractionDemo.class);
        return d;
    }

    private static Workload available(int replicas) {
        return Workload.running(replicas, null);
    }

    private static Observation observation(InteractionDemo d, Workload greeter, Workload host, Workload worker,
                                           TopicObservation topic, GreeterHealthCheck.Health health, KafkaReading reading,
                                           String kafkaProblem, Instant now, List<ConsumerMember> members) {
        return new Observation(d, DemoSettings.of(d, CONFIG), greeter, host, worker, Names.greeterEndpoint(d), topic,
                health, reading, kafkaProblem, Map.of(), now, members, members == null ? null : List.of(), null, null,
                null, null);
    }

    private static InteractionDemoStatus compute(InteractionDemo d, Workload worker,
                                                 GreeterHealthCheck.Health health, KafkaReading reading, Instant now) {
        return StatusCalculator.compute(observation(d, available(1), available(1), worker, TOPIC, health, reading,
                reading == null ? "Kafka did not answer" : null, now, null));
    }

    private static Condition condition(InteractionDemoStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void everythingUpAndFlowingIsReady() {
        InteractionDemo d = demo("{}");
        d.setStatus(compute(d, available(1), SERVING, new KafkaReading(T0, 100, 90, 10), T0));
        InteractionDemoStatus s = compute(d, available(1), SERVING, new KafkaReading(T0.plusSeconds(10), 150, 140, 10),
                T0.plusSeconds(10));
        assertEquals(4L, s.getObservedGeneration());
        assertEquals("True", condition(s, "Ready").getStatus());
        assertEquals("Serving", condition(s, "GreeterAvailable").getReason());
        assertEquals("Flowing", condition(s, "MessagesFlowing").getReason());
        assertEquals(4L, condition(s, "Ready").getObservedGeneration());
        assertEquals(5.0, s.getMessages().getProducedPerSecond());
        assertEquals(5.0, s.getMessages().getConsumedPerSecond());
        assertEquals("hello-greeter.demo.svc:50051", s.getGreeter().getEndpoint());
        assertEquals("demo.hello-workers", s.getWorker().getGroupId());
        assertEquals(T0.toString(), condition(s, "Ready").getLastTransitionTime(), "unchanged: time kept");
    }

    /**
     * A Greeter going down between two readings of Kafka: the status is recomputed from the same reading, which says
     * nothing about the Host having stopped. Rates of 0 here once let a lesson see "nothing produced" while the Host
     * was still publishing.
     */
    @Test
    void aStatusRecomputedFromTheSameReadingKeepsItsRates() {
        InteractionDemo d = demo("{}");
        d.setStatus(compute(d, available(1), SERVING, new KafkaReading(T0, 100, 90, 10), T0));
        KafkaReading reading = new KafkaReading(T0.plusSeconds(10).plusNanos(123_456), 150, 140, 10);
        d.setStatus(compute(d, available(1), SERVING, reading, T0.plusSeconds(10)));
        InteractionDemoStatus s = compute(d, available(1), new GreeterHealthCheck.Health("UNREACHABLE", "refused"), reading,
                T0.plusSeconds(11));
        assertEquals("False", condition(s, "GreeterAvailable").getStatus());
        assertEquals(5.0, s.getMessages().getProducedPerSecond(), "the rate of the last two readings");
        assertEquals(5.0, s.getMessages().getConsumedPerSecond());
        assertEquals("Flowing", condition(s, "MessagesFlowing").getReason());
        assertEquals(150L, s.getMessages().getProduced());

        InteractionDemoStatus later = compute(d, available(1), SERVING, new KafkaReading(T0.plusSeconds(20), 150, 150,
                0), T0.plusSeconds(20));
        assertEquals(0.0, later.getMessages().getProducedPerSecond(), "a new reading: the Host has stopped");
        assertEquals(1.0, later.getMessages().getConsumedPerSecond());
    }

    @Test
    void aGreeterThatDoesNotServeIsNotAvailableEvenWithItsPodsReady() {
        InteractionDemoStatus s = compute(demo("{}"), available(1), new GreeterHealthCheck.Health("UNREACHABLE",
                "UNAVAILABLE: io exception"), new KafkaReading(T0, 1, 1, 0), T0);
        Condition g = condition(s, "GreeterAvailable");
        assertEquals("False", g.getStatus());
        assertEquals("NotServing", g.getReason());
        assertTrue(g.getMessage().contains("answered UNREACHABLE (UNAVAILABLE: io exception)"), g.getMessage());
        assertEquals("GreeterUnavailable", condition(s, "Ready").getReason());
        assertEquals("UNREACHABLE", s.getGreeter().getServing());
    }

    @Test
    void zeroWorkersIsWhatWasAskedAndShowsAsGrowingLag() {
        InteractionDemo d = demo("{replicas: 0}");
        d.setStatus(compute(d, available(0), SERVING, new KafkaReading(T0, 100, 60, 40), T0));
        InteractionDemoStatus s = compute(d, available(0), SERVING, new KafkaReading(T0.plusSeconds(10), 150, 60, 90),
                T0.plusSeconds(10));
        assertEquals("ScaledToZero", condition(s, "WorkerAvailable").getReason());
        assertEquals("True", condition(s, "Ready").getStatus());
        Condition flowing = condition(s, "MessagesFlowing");
        assertEquals("False", flowing.getStatus());
        assertEquals("WorkerStalled", flowing.getReason());
        assertEquals(90L, s.getMessages().getLag());
    }

    @Test
    void kafkaUnreachableKeepsTheLastCountsAndSaysSo() {
        InteractionDemo d = demo("{}");
        d.setStatus(compute(d, available(1), SERVING, new KafkaReading(T0, 100, 100, 0), T0));
        InteractionDemoStatus s = compute(d, available(1), SERVING, null, T0.plusSeconds(10));
        assertEquals("Unknown", condition(s, "MessagesFlowing").getStatus());
        assertEquals("KafkaUnreachable", condition(s, "MessagesFlowing").getReason());
        assertEquals(100L, s.getMessages().getProduced());
    }

    @Test
    void onlyARealChangeIsAChange() {
        InteractionDemo d = demo("{}");
        InteractionDemoStatus a = compute(d, available(1), SERVING, new KafkaReading(T0, 100, 100, 0), T0);
        d.setStatus(a);
        InteractionDemoStatus b = compute(d, available(1), SERVING, new KafkaReading(T0.plusSeconds(10), 100, 100, 0),
                T0.plusSeconds(10));
        InteractionDemoStatus c = compute(d, available(1), SERVING, new KafkaReading(T0.plusSeconds(10), 101, 100, 1),
                T0.plusSeconds(10));
        assertFalse(StatusCalculator.changed(b, compute(withStatus(d, b), available(1), SERVING,
                new KafkaReading(T0.plusSeconds(20), 100, 100, 0), T0.plusSeconds(20))), "only the reading time moved");
        assertTrue(StatusCalculator.changed(a, c), "a new message");
        assertTrue(StatusCalculator.changed(null, a));
    }

    @Test
    void noDeploymentYetSaysWhatItWaitsFor() {
        InteractionDemo d = demo("{}");
        InteractionDemoStatus s = StatusCalculator.compute(observation(d, Workload.ABSENT, Workload.ABSENT,
                Workload.ABSENT, TopicObservation.notReady("KafkaUnreachable", "cannot reach Kafka"), null, null,
                "no Kafka", T0, null));
        assertEquals("NotCreated", condition(s, "HostAvailable").getReason());
        assertTrue(condition(s, "HostAvailable").getMessage().contains("waiting for the topic"));
        assertEquals("UNKNOWN", s.getGreeter().getServing());
        assertNull(s.getMessages());
    }

    private static InteractionDemo withStatus(InteractionDemo d, InteractionDemoStatus s) {
        d.setStatus(s);
        return d;
    }

    @Test
    void moreWorkersThanPartitionsLeavesSomeIdleAndSaysSo() {
        InteractionDemo d = demo("{}");
        ConsumerMember busy = new ConsumerMember();
        busy.setClientId("w-1");
        busy.setPartitions(List.of(0, 1, 2));
        ConsumerMember idle = new ConsumerMember();
        idle.setClientId("w-2");
        idle.setPartitions(List.of());
        InteractionDemoStatus s = StatusCalculator.compute(observation(d, available(1), available(1), available(2),
                TOPIC, new GreeterHealthCheck.Health("SERVING", ""), new KafkaReading(T0, 10, 10, 0), null, T0,
                List.of(busy, idle)));
        String flowing = s.getConditions().stream().filter(c -> "MessagesFlowing".equals(c.getType())).findFirst()
                .orElseThrow().getMessage();
        assertTrue(flowing.contains("2 Workers") && flowing.contains("1 hold no partition"), flowing);
        assertEquals(2, s.getWorker().getMembers().size());
    }
}
