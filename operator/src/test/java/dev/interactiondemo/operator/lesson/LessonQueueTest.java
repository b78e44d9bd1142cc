package dev.interactiondemo.operator.lesson;

import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LessonQueueTest {

    private static InteractionLesson lesson(String name, String created, LessonPhase phase, Integer run, int runs) {
        InteractionLesson l = new InteractionLesson();
        l.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(created).build());
        InteractionLessonSpec spec = new InteractionLessonSpec();
        spec.setDemo("hello");
        spec.setRuns(runs);
        l.setSpec(spec);
        if (phase != null) {
            InteractionLessonStatus s = new InteractionLessonStatus();
            s.setPhase(phase);
            s.setRun(run);
            l.setStatus(s);
        }
        return l;
    }

    private static Optional<String> waitsFor(InteractionLesson l, InteractionLesson... all) {
        return LessonQueue.waitsFor(l, List.of(all)).map(x -> x.getMetadata().getName());
    }

    @Test
    void aNewLessonWaitsForARunningOne() {
        InteractionLesson running = lesson("a", "2026-01-01T00:00:05Z", LessonPhase.Running, 1, 1);
        InteractionLesson fresh = lesson("b", "2026-01-01T00:00:00Z", null, null, 1);
        assertEquals(Optional.of("a"), waitsFor(fresh, running, fresh));
        assertEquals(Optional.empty(), waitsFor(running, running, fresh), "a running lesson never waits");
    }

    @Test
    void pendingLessonsGoInTheOrderTheyWereCreated() {
        InteractionLesson older = lesson("z", "2026-01-01T00:00:00Z", LessonPhase.Pending, 1, 1);
        InteractionLesson newer = lesson("a", "2026-01-01T00:00:01Z", LessonPhase.Pending, 1, 1);
        assertEquals(Optional.of("z"), waitsFor(newer, older, newer));
        assertEquals(Optional.empty(), waitsFor(older, older, newer));
        InteractionLesson sameSecond = lesson("b", "2026-01-01T00:00:01Z", null, null, 1);
        assertEquals(Optional.of("z"), waitsFor(sameSecond, older, newer, sameSecond));
        assertEquals(Optional.of("a"), waitsFor(sameSecond, newer, sameSecond), "the name breaks a tie");
    }

    @Test
    void endedLessonsBlockNobodyAndWaitOnlyToRunAgain() {
        InteractionLesson ended = lesson("a", "2026-01-01T00:00:00Z", LessonPhase.Passed, 1, 1);
        InteractionLesson running = lesson("b", "2026-01-01T00:00:01Z", LessonPhase.Running, 1, 1);
        InteractionLesson fresh = lesson("c", "2026-01-01T00:00:02Z", null, null, 1);
        assertEquals(Optional.empty(), waitsFor(ended, ended, running), "an ended lesson stays as it is");
        assertEquals(Optional.of("b"), waitsFor(fresh, ended, running, fresh));
        InteractionLesson again = lesson("a", "2026-01-01T00:00:00Z", LessonPhase.Passed, 1, 2);
        assertEquals(Optional.of("b"), waitsFor(again, again, running), "run 2 asked for: it waits its turn");
    }

    @Test
    void aLessonAskedToAbortNeverWaits() {
        InteractionLesson running = lesson("a", "2026-01-01T00:00:00Z", LessonPhase.Running, 1, 1);
        InteractionLesson aborting = lesson("b", "2026-01-01T00:00:01Z", LessonPhase.Pending, 1, 1);
        aborting.getSpec().setAbort(true);
        assertTrue(waitsFor(aborting, running, aborting).isEmpty());
    }
}
