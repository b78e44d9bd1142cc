package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.HypothesisVerdict;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.api.lesson.Verdict;
import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * InteractionLessons on a real API server, run by the operator's lesson reconciler alone: the test plays the demos'
 * status (their figures scripted), so every verdict is known in advance. What a lesson switches on its demo goes back
 * at its end, on its deletion and after an operator restart; one lesson at a time per demo.
 */
class LessonReconcilerTest {
    private static final String NS = "lessons";
    private static final String LEARNER = "learner";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KubernetesClient client;
    private static RunningLessons operator;

    @BeforeAll
    static void start() {
        client = KubeApi.client();
        KubeApi.namespace(NS);
        operator = RunningLessons.start(client, NS);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aHypothesisThatCannotHoldEndsFailedWithEvidence() {
        demo(NS, "fails", "");
        demoStatus(NS, "fails", "{\"delivery\":{\"lost\":0,\"duplicates\":0}}");
        lesson(NS, "cannot-hold", """
                demo: fails
                steps:
                - {name: watch, hold: 2s}
                hypotheses:
                - {figure: lost, is: above, value: 0, says: "something is lost"}
                """);
        InteractionLesson ended = awaitPhase(NS, "cannot-hold", LessonPhase.Failed);
        assertEquals("Failed", ended.getStatus().getVerdict());
        HypothesisVerdict v = ended.getStatus().getHypotheses().get(0);
        assertEquals(Verdict.Failed, v.getVerdict(), Serialization.asYaml(ended.getStatus()));
        assertNotNull(v.getEvidence(), "evidence");
        assertTrue(v.getEvidence().contains("0"), v.getEvidence());
        assertComplete(ended, false);
        Await.until("a Warning Event on the lesson", () -> events(NS, "cannot-hold").stream()
                .anyMatch(e -> "Warning".equals(e.getType()) && "LessonStep".equals(e.getReason())), WAIT);
        Await.until("the verdict counted", () -> operator.verdicts("custom", "Failed") >= 1, WAIT);
        assertTrue(operator.registry.scrape().contains(
                "interactiondemo_lesson_verdicts_total{lesson=\"custom\",verdict=\"Failed\"}"),
                "/metrics names the counter");
    }

    @Test
    void aLessonDeletedMidStepGivesItsSwitchesBack() {
        demo(NS, "switched", "greeter: {responseDelay: 100ms}");
        lesson(NS, "deleted-mid-step", """
                demo: switched
                steps:
                - name: errors
                  set: {faults: {greeter: {errorRate: 0.5}}, greeter: {responseDelay: 300ms}}
                  hold: 10m
                """);
        Await.until("the switches in force", () -> {
            InteractionDemo d = demo(NS, "switched");
            return d.getSpec().getFaults() != null && d.getSpec().getFaults().getGreeter() != null
                    && Double.valueOf(0.5).equals(d.getSpec().getFaults().getGreeter().getErrorRate())
                    && "300ms".equals(d.getSpec().getGreeter().getResponseDelay());
        }, WAIT);
        assertTrue(managers(NS, "switched").contains("interactionlesson-deleted-mid-step"));
        InteractionLesson running = lesson(NS, "deleted-mid-step");
        assertEquals(LessonPhase.Running, running.getStatus().getPhase());
        assertEquals(2, running.getStatus().getSwitched().size(), Serialization.asYaml(running.getStatus()));

        client.resources(InteractionLesson.class).inNamespace(NS).withName("deleted-mid-step").delete();
        Await.until("the lesson gone (its finalizer removed)", () -> lessonOrNull(NS, "deleted-mid-step") == null,
                WAIT);
        InteractionDemo back = demo(NS, "switched");
        assertEquals("100ms", back.getSpec().getGreeter().getResponseDelay(), "the value from before");
        assertNull(back.getSpec().getFaults() == null || back.getSpec().getFaults().getGreeter() == null ? null
                : back.getSpec().getFaults().getGreeter().getErrorRate(), "unset before, unset again");
        assertFalse(managers(NS, "switched").contains("interactionlesson-deleted-mid-step"),
                "the lesson's manager left: " + managers(NS, "switched"));
        // The learner's own apply, without force, meets no conflict.
        demo(NS, "switched", "greeter: {responseDelay: 100ms}");
    }

    @Test
    void aSecondLessonOnTheSameDemoWaitsSayingWhich() {
        demo(NS, "shared", "");
        lesson(NS, "first", """
                demo: shared
                steps:
                - {name: long, hold: 10m}
                """);
        awaitPhase(NS, "first", LessonPhase.Running);
        lesson(NS, "second", """
                demo: shared
                steps:
                - {name: short, hold: 1s}
                """);
        Await.until("the second lesson waits for the first", () -> {
            InteractionLesson l = lessonOrNull(NS, "second");
            return l != null && l.getStatus() != null && l.getStatus().getPhase() == LessonPhase.Pending
                    && "waits for lesson first on demo shared".equals(l.getStatus().getMessage());
        }, WAIT);
        client.resources(InteractionLesson.class).inNamespace(NS).withName("first").delete();
        awaitPhase(NS, "second", LessonPhase.Passed);
    }

    @Test
    void lessonsCreatedTogetherOnOneDemoRunOneAtATime() {
        demo(NS, "crowded", "");
        List<String> names = List.of("d-one", "c-two", "b-three", "a-four");
        names.forEach(n -> lesson(NS, n, """
                demo: crowded
                steps:
                - {name: wait, hold: 2s}
                """));
        List<InteractionLesson> ended = names.stream().map(n -> awaitPhase(NS, n, LessonPhase.Passed))
                .sorted(java.util.Comparator.comparing(l -> l.getStatus().getStartedAt())).toList();
        for (int i = 1; i < ended.size(); i++) {
            var before = ended.get(i - 1).getStatus();
            var after = ended.get(i).getStatus();
            assertTrue(!java.time.Instant.parse(after.getStartedAt()).isBefore(java.time.Instant.parse(
                    before.getFinishedAt())), ended.get(i).getMetadata().getName() + " began at " + after.getStartedAt()
                    + ", before " + ended.get(i - 1).getMetadata().getName() + " ended at " + before.getFinishedAt());
        }
        Await.until("the demo no longer held", () -> demo(NS, "crowded").getMetadata().getAnnotations() == null
                || !demo(NS, "crowded").getMetadata().getAnnotations().containsKey("interactiondemo.dev/lesson"), WAIT);
    }

    @Test
    void aLessonNamingAMissingDemoIsPendingSayingSo() {
        lesson(NS, "no-demo", """
                demo: nowhere
                lesson: worker-outage
                """);
        Await.until("Pending, saying the demo is missing", () -> {
            InteractionLesson l = lessonOrNull(NS, "no-demo");
            return l != null && l.getStatus() != null && l.getStatus().getPhase() == LessonPhase.Pending
                    && l.getStatus().getMessage() != null && l.getStatus().getMessage().contains("nowhere");
        }, WAIT);
    }

    @Test
    void aLessonWhoseDemoIsDeletedEndsAborted() {
        demo(NS, "doomed", "");
        lesson(NS, "orphaned", """
                demo: doomed
                steps:
                - name: errors
                  set: {faults: {greeter: {errorRate: 0.2}}}
                  hold: 10m
                """);
        Await.until("the switch in force", () -> {
            InteractionDemo d = demo(NS, "doomed");
            return d.getSpec().getFaults() != null && d.getSpec().getFaults().getGreeter() != null
                    && d.getSpec().getFaults().getGreeter().getErrorRate() != null;
        }, WAIT);
        client.resources(InteractionDemo.class).inNamespace(NS).withName("doomed").delete();
        InteractionLesson ended = awaitPhase(NS, "orphaned", LessonPhase.Aborted);
        assertTrue(ended.getStatus().getMessage().contains("doomed"), ended.getStatus().getMessage());
        assertComplete(ended, false);
        Await.until("the abort counted", () -> operator.verdicts("custom", "Aborted") >= 1, WAIT);
    }

    /** The lesson's state lives in its status: a new operator goes on where the last one stopped, and gives back. */
    @Test
    void anOperatorRestartedMidLessonResumesAndGivesBack() {
        String ns = KubeApi.namespace("lessons-restart");
        demo(ns, "resumed", "");
        try (RunningLessons first = RunningLessons.start(client, ns)) {
            lesson(ns, "across-restarts", """
                    demo: resumed
                    steps:
                    - name: errors
                      set: {faults: {greeter: {errorRate: 0.3}}}
                      hold: 6s
                    - {name: calm, hold: 1s}
                    """);
            Await.until("the switch in force", () -> {
                InteractionDemo d = demo(ns, "resumed");
                return d.getSpec().getFaults() != null && d.getSpec().getFaults().getGreeter() != null
                        && Double.valueOf(0.3).equals(d.getSpec().getFaults().getGreeter().getErrorRate());
            }, WAIT);
        }
        assertEquals(LessonPhase.Running, lesson(ns, "across-restarts").getStatus().getPhase());
        try (RunningLessons second = RunningLessons.start(client, ns)) {
            InteractionLesson ended = awaitPhase(ns, "across-restarts", LessonPhase.Passed);
            assertComplete(ended, true);
            InteractionDemo back = demo(ns, "resumed");
            assertNull(back.getSpec().getFaults() == null || back.getSpec().getFaults().getGreeter() == null ? null
                    : back.getSpec().getFaults().getGreeter().getErrorRate(), "unset again");
            assertFalse(managers(ns, "resumed").contains("interactionlesson-across-restarts"));
            assertNull(ended.getStatus().getSwitched());
        }
    }

    // --- helpers ---

    /** Applies a demo as a learner would (server-side apply as {@value #LEARNER}, no force). */
    static InteractionDemo demo(String ns, String name, String extraSpec) {
        InteractionDemo demo = Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                spec:
                  kafka:
                    bootstrapServers: localhost:1
                    topic: {management: Direct}
                %s
                """.formatted(name, extraSpec.indent(2)), InteractionDemo.class);
        return client.resources(InteractionDemo.class).inNamespace(ns).resource(demo)
                .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager(LEARNER).build());
    }

    /** Writes the demo's status as the InteractionDemo reconciler would (a JSON merge of {@code json}). */
    static void demoStatus(String ns, String name, String json) {
        client.resources(InteractionDemo.class).inNamespace(ns).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":" + json + "}");
    }

    static InteractionDemo demo(String ns, String name) {
        return client.resources(InteractionDemo.class).inNamespace(ns).withName(name).get();
    }

    static InteractionLesson lesson(String ns, String name, String specYaml) {
        return client.resources(InteractionLesson.class).inNamespace(ns).resource(Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionLesson
                metadata:
                  name: %s
                spec:
                %s
                """.formatted(name, specYaml.indent(2)), InteractionLesson.class)).create();
    }

    static InteractionLesson lesson(String ns, String name) {
        return Optional.ofNullable(lessonOrNull(ns, name)).orElseThrow();
    }

    static InteractionLesson lessonOrNull(String ns, String name) {
        return client.resources(InteractionLesson.class).inNamespace(ns).withName(name).get();
    }

    static InteractionLesson awaitPhase(String ns, String name, LessonPhase phase) {
        return Await.value("lesson " + name + " " + phase, () -> Optional.ofNullable(lessonOrNull(ns, name))
                .filter(l -> l.getStatus() != null && l.getStatus().getPhase() == phase), WAIT);
    }

    /** {@code kubectl wait --for=condition=Complete}: True once the run ended and gave everything back. */
    static void assertComplete(InteractionLesson lesson, boolean passed) {
        List<Condition> conditions = lesson.getStatus().getConditions();
        assertEquals("True", condition(conditions, "Complete"), Serialization.asYaml(lesson.getStatus()));
        assertEquals(passed ? "True" : "False", condition(conditions, "Passed"));
    }

    private static String condition(List<Condition> conditions, String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.getType()))
                .map(Condition::getStatus).findFirst().orElse(null);
    }

    static List<String> managers(String ns, String demo) {
        return demo(ns, demo).getMetadata().getManagedFields().stream().map(ManagedFieldsEntry::getManager).toList();
    }

    static List<Event> events(String ns, String lesson) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> lesson.equals(e.getInvolvedObject().getName())
                        && "InteractionLesson".equals(e.getInvolvedObject().getKind())).toList();
    }
}
