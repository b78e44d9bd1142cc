package dev.interactiondemo.operator.lesson;

import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * One lesson at a time per demo: a lesson that wants to start waits while another lesson of its namespace on the same
 * demo is Running, or is Pending and was created before it (first come, first served). A Running lesson never waits:
 * it goes on to its end.
 */
final class LessonQueue {
    /** Older first; the name breaks a tie of creation times (they have a resolution of a second). */
    private static final Comparator<InteractionLesson> AGE = Comparator
            .comparing((InteractionLesson l) -> String.valueOf(l.getMetadata().getCreationTimestamp()))
            .thenComparing(l -> l.getMetadata().getName());

    private LessonQueue() {
    }

    /**
     * The lesson {@code lesson} waits for, among the lessons of its namespace naming the same demo ({@code sameDemo},
     * which may include {@code lesson} itself); empty when it may go on.
     */
    static Optional<InteractionLesson> waitsFor(InteractionLesson lesson, Collection<InteractionLesson> sameDemo) {
        if (!wantsToStart(lesson)) {
            return Optional.empty();
        }
        return sameDemo.stream()
                .filter(other -> !other.getMetadata().getName().equals(lesson.getMetadata().getName()))
                .filter(other -> other.getMetadata().getDeletionTimestamp() == null
                        || phase(other) == LessonPhase.Running) // a Running lesson being deleted gives back first
                .filter(other -> phase(other) == LessonPhase.Running
                        || waiting(other) && AGE.compare(other, lesson) < 0)
                .min(Comparator.comparing((InteractionLesson o) -> phase(o) == LessonPhase.Running ? 0 : 1)
                        .thenComparing(AGE));
    }

    /**
     * Whether the lesson is about to start a run: new, Pending, or ended with another run asked for (spec.runs
     * raised). A lesson asked to abort never waits: it ends at once.
     */
    static boolean wantsToStart(InteractionLesson lesson) {
        InteractionLessonSpec spec = lesson.getSpec();
        if (spec != null && Boolean.TRUE.equals(spec.getAbort())) {
            return false;
        }
        return waiting(lesson);
    }

    private static boolean waiting(InteractionLesson lesson) {
        InteractionLessonStatus status = lesson.getStatus();
        LessonPhase phase = phase(lesson);
        if (phase == null || phase == LessonPhase.Pending) {
            return true;
        }
        if (!phase.ended()) {
            return false;
        }
        int asked = lesson.getSpec() == null || lesson.getSpec().getRuns() == null ? 1 : lesson.getSpec().getRuns();
        return status.getRun() != null && asked > status.getRun();
    }

    private static LessonPhase phase(InteractionLesson lesson) {
        return lesson.getStatus() == null ? null : lesson.getStatus().getPhase();
    }
}
