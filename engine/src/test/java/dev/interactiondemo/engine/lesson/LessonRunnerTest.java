package dev.interactiondemo.engine.lesson;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.api.lesson.Verdict;
import dev.interactiondemo.api.spec.InteractionDemoSpec;
import dev.interactiondemo.api.status.DeliveryStatus;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.status.MessagesStatus;
import dev.interactiondemo.api.status.WorkerStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lesson engine on its own: a small model of a demo answers the switches with figures (the Host publishes 5 per
 * second while the Greeter runs, the lag grows while no Worker runs), so whole lessons run in no time.
 */
class LessonRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A demo in a few lines: its spec as the lesson switched it, and the figures that follow from it. */
    private static final class ModelDemo {
        InteractionDemoSpec spec = new InteractionDemoSpec();
        long produced;
        long consumed;
        long rewound;
        double lastRate;
        boolean lose;
        /** Records moved back by a rewind, not processed again yet: each is a duplicate when it is. */
        long replaying;
        long duplicates;

        DemoLook look() {
            InteractionDemoStatus s = new InteractionDemoStatus();
            MessagesStatus m = new MessagesStatus();
            m.setProduced(produced);
            m.setConsumed(consumed);
            m.setLag(produced - consumed);
            m.setProducedPerSecond(lastRate);
            s.setMessages(m);
            DeliveryStatus d = new DeliveryStatus();
            d.setLost(lose ? 3L : 0L);
            d.setDuplicates(duplicates);
            s.setDelivery(d);
            WorkerStatus w = new WorkerStatus();
            w.setReadyReplicas(workers());
            s.setWorker(w);
            s.setConditions(List.of(new ConditionBuilder().withType("GreeterAvailable")
                    .withStatus(greeterUp() ? "True" : "False").build(), new ConditionBuilder().withType("Ready")
                    .withStatus(greeterUp() && workers() > 0 ? "True" : "False").build()));
            return new DemoLook(spec, s, workers() == 0);
        }

        int workers() {
            return spec.getWorker() == null || spec.getWorker().getReplicas() == null ? 1
                    : spec.getWorker().getReplicas();
        }

        boolean greeterUp() {
            return spec.getGreeter() == null || spec.getGreeter().getReplicas() == null
                    || spec.getGreeter().getReplicas() > 0;
        }

        /** One second of the demo. */
        void tick() {
            lastRate = greeterUp() ? 5 : 0;
            produced += (long) lastRate;
            if (workers() > 0) {
                long before = consumed;
                consumed = Math.min(produced, consumed + 10);
                long again = Math.min(replaying, consumed - before);
                replaying -= again;
                duplicates += again;
            }
        }

        void apply(LessonActions a, InteractionLessonStatus status, Instant now) {
            if (!a.inForce().isEmpty()) {
                Map<String, String> values = new java.util.HashMap<>();
                a.inForce().forEach(f -> values.put(f.getField(), f.getValue()));
                spec = SwitchFields.write(spec, values);
            }
            if (a.rewind() != null) {
                long moved = Math.min(consumed, a.rewind() * 3L);
                consumed -= moved;
                rewound += moved;
                replaying += moved;
                LessonRunner.rewound(status, moved, now);
            }
            if (a.restore()) {
                Map<String, String> values = new java.util.HashMap<>();
                status.getSwitched().forEach(f -> values.put(f.getField(), f.getBefore()));
                spec = SwitchFields.write(spec, values);
                LessonRunner.restored(status, now);
            }
        }
    }

    /** Runs the lesson on the model, one look a second, until it ends and has given everything back. */
    private static InteractionLessonStatus run(InteractionLessonSpec spec, ModelDemo demo, boolean restartEveryLook)
            throws Exception {
        InteractionLessonStatus status = LessonRunner.initial(spec);
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        for (int i = 0; i < 1000; i++) {
            demo.tick();
            LessonActions a = LessonRunner.look(spec, status, demo.look(), now);
            demo.apply(a, status, now);
            if (restartEveryLook) { // all it knows is in its status: a round trip through JSON loses nothing
                status = JSON.readValue(JSON.writeValueAsString(status), InteractionLessonStatus.class);
            }
            if (status.getPhase().ended() && status.getSwitched() == null) {
                return status;
            }
            now = now.plus(Duration.ofSeconds(1));
        }
        throw new AssertionError("the lesson did not end: " + status.getTimeline());
    }

    private static InteractionLessonSpec catalogue(String name) {
        InteractionLessonSpec spec = new InteractionLessonSpec();
        spec.setDemo("hello");
        spec.setLesson(name);
        return spec;
    }

    private static InteractionLessonSpec custom(String yaml) {
        return LessonCatalogue.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).getSpec();
    }

    @Test
    void everyCatalogueLessonHasAPlan() {
        for (String name : LessonCatalogue.NAMES) {
            LessonPlan plan = LessonPlan.of(catalogue(name));
            assertTrue(plan.steps().size() >= 2, name);
            assertTrue(plan.checks().size() >= 2, name);
        }
    }

    @Test
    void theWorkerOutageLessonPassesAndGivesEverythingBack() throws Exception {
        ModelDemo demo = new ModelDemo();
        InteractionLessonStatus s = run(catalogue("worker-outage"), demo, true);
        assertEquals(LessonPhase.Passed, s.getPhase(), String.valueOf(s.getTimeline()));
        assertEquals("Passed", s.getVerdict());
        s.getHypotheses().forEach(v -> assertEquals(Verdict.Passed, v.getVerdict(), v.getHypothesis()));
        assertNull(demo.spec.getWorker().getReplicas(), "the Workers' replicas were unset before: unset again");
        assertTrue(s.getTimeline().stream().anyMatch(e -> e.getText().startsWith("effect: workers 1 → 0")),
                String.valueOf(s.getTimeline()));
        assertEquals("True", s.getConditions().stream().filter(c -> c.getType().equals("Complete")).findFirst()
                .orElseThrow().getStatus());
    }

    @Test
    void theGreeterOutageLessonSeesTheHostStop() throws Exception {
        InteractionLessonStatus s = run(catalogue("greeter-outage"), new ModelDemo(), false);
        assertEquals(LessonPhase.Passed, s.getPhase(), String.valueOf(s.getHypotheses()));
        String evidence = s.getHypotheses().stream().filter(v -> v.getHypothesis().startsWith("producedPerSecond below"))
                .findFirst().orElseThrow().getEvidence();
        assertTrue(evidence.contains("producedPerSecond 0"), evidence);
    }

    @Test
    void theReplayLessonPredictsWhatComesAgain() throws Exception {
        ModelDemo demo = new ModelDemo();
        InteractionLessonStatus s = run(catalogue("replay"), demo, true);
        assertEquals(LessonPhase.Passed, s.getPhase(), String.valueOf(s.getHypotheses()));
        assertEquals(30L, s.getPredictedDuplicates());
        assertEquals(30L, demo.rewound);
    }

    @Test
    void aHypothesisThatCannotHoldFailsWithItsEvidence() throws Exception {
        ModelDemo demo = new ModelDemo();
        InteractionLessonStatus s = run(custom("""
                kind: InteractionLesson
                spec:
                  demo: hello
                  steps:
                  - name: errors
                    set: {faults: {greeter: {errorRate: 0.5}}}
                    hold: 5s
                  hypotheses:
                  - {figure: lost, is: above, value: 0}
                """), demo, false);
        assertEquals(LessonPhase.Failed, s.getPhase());
        assertEquals("Failed", s.getVerdict());
        var v = s.getHypotheses().get(0);
        assertEquals(Verdict.Failed, v.getVerdict());
        assertTrue(v.getEvidence().contains("lost 0, expected above 0"), v.getEvidence());
        assertNull(demo.spec.getFaults().getGreeter().getErrorRate(), "given back");
        assertTrue(s.getTimeline().stream().anyMatch(e -> e.getText().startsWith("no effect seen on greeterErrorRate")),
                "the model does not answer the error rate: the step says so");
    }

    @Test
    void aFieldSetBeforeTheLessonGetsItsValueBack() throws Exception {
        ModelDemo demo = new ModelDemo();
        demo.spec = SwitchFields.write(demo.spec, Map.of("worker.replicas", "2"));
        run(catalogue("worker-outage"), demo, false);
        assertEquals(2, demo.spec.getWorker().getReplicas());
    }

    @Test
    void aDeletedDemoAbortsTheRunAndAMissingOneKeepsItPending() {
        InteractionLessonSpec spec = catalogue("worker-outage");
        InteractionLessonStatus s = LessonRunner.initial(spec);
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        LessonActions a = LessonRunner.look(spec, s, null, now);
        assertEquals(LessonPhase.Pending, s.getPhase());
        assertTrue(s.getMessage().contains("no InteractionDemo hello"), s.getMessage());
        assertNotNull(a.lookAgain());
        ModelDemo demo = new ModelDemo();
        demo.tick();
        LessonRunner.look(spec, s, demo.look(), now);
        assertEquals(LessonPhase.Running, s.getPhase());
        a = LessonRunner.look(spec, s, null, now.plusSeconds(1));
        assertEquals(LessonPhase.Aborted, s.getPhase());
        assertTrue(s.getMessage().contains("was deleted"), s.getMessage());
        assertTrue(s.getHypotheses().stream().noneMatch(v -> v.getVerdict() == Verdict.Checking));
        var lost = s.getHypotheses().get(s.getHypotheses().size() - 1);
        assertEquals(Verdict.Inconclusive, lost.getVerdict());
        assertTrue(lost.getEvidence().contains("was deleted"), lost.getEvidence());
    }

    @Test
    void raisingRunsRunsItAgainAndKeepsTheHistory() throws Exception {
        InteractionLessonSpec spec = custom("""
                kind: InteractionLesson
                spec:
                  demo: hello
                  historyLimit: 1
                  steps:
                  - {name: wait, hold: 2s}
                  hypotheses:
                  - {figure: lost, is: equal, value: 0}
                """);
        ModelDemo demo = new ModelDemo();
        InteractionLessonStatus s = run(spec, demo, false);
        assertEquals(LessonPhase.Passed, s.getPhase());
        List<Integer> runs = new ArrayList<>();
        for (int run = 2; run <= 3; run++) {
            spec.setRuns(run);
            Instant now = Instant.parse("2026-12-07T11:00:00Z").plusSeconds(run * 100L);
            for (int i = 0; i < 10 && !(s.getRun() == run && s.getPhase().ended()); i++) {
                demo.tick();
                LessonRunner.look(spec, s, demo.look(), now.plusSeconds(i));
            }
            runs.add(s.getRun());
            assertEquals(LessonPhase.Passed, s.getPhase());
        }
        assertEquals(List.of(2, 3), runs);
        assertEquals(1, s.getHistory().size());
        assertEquals(2, s.getHistory().get(0).getRun());
    }

    @Test
    void aStepThatRefersToALaterOneAbortsSayingWhich() {
        InteractionLessonSpec spec = custom("""
                kind: InteractionLesson
                spec:
                  demo: hello
                  steps:
                  - name: first
                    hold: 1s
                    expect: [{figure: producedPerSecond, is: above, value: 2, relativeTo: second}]
                  - {name: second, hold: 1s}
                """);
        InteractionLessonStatus s = LessonRunner.initial(spec);
        ModelDemo demo = new ModelDemo();
        LessonRunner.look(spec, s, demo.look(), Instant.now());
        assertEquals(LessonPhase.Aborted, s.getPhase());
        assertTrue(s.getMessage().contains("steps[0].expect.relativeTo: second names no earlier step"), s.getMessage());
    }
}
