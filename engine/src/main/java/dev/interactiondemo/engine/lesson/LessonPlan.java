package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.Hypothesis;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.LessonStep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A lesson's steps and hypotheses, the catalogue's resolved, in a fixed order: the lesson's status lists its
 * hypotheses' verdicts in the order of {@link #checks()}.
 *
 * @param name   the catalogue lesson's name, or {@code custom}
 * @param steps  the steps, in order
 * @param checks every hypothesis: each step's expectations and until, then the lesson's own
 */
record LessonPlan(String name, List<LessonStep> steps, List<PlannedCheck> checks) {
    static final String CUSTOM = "custom";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    /**
     * A hypothesis and where it belongs.
     *
     * @param step  the index of its step, or -1 for the lesson's own
     * @param until whether it is its step's until
     */
    record PlannedCheck(int step, boolean until, Hypothesis hypothesis) {
    }

    /**
     * The plan of a lesson's spec.
     *
     * @throws IllegalArgumentException when the steps make no sense for a run (a relativeTo that names no earlier
     *                                  step), with what to fix
     */
    static LessonPlan of(InteractionLessonSpec spec) {
        List<LessonStep> steps;
        List<Hypothesis> hypotheses = new ArrayList<>();
        String name;
        if (spec.getLesson() != null) {
            InteractionLessonSpec catalogue = LessonCatalogue.spec(spec.getLesson());
            steps = catalogue.getSteps();
            if (catalogue.getHypotheses() != null) {
                hypotheses.addAll(catalogue.getHypotheses());
            }
            name = spec.getLesson();
        } else {
            steps = spec.getSteps() == null ? List.of() : spec.getSteps();
            name = CUSTOM;
        }
        if (spec.getHypotheses() != null) {
            hypotheses.addAll(spec.getHypotheses());
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("the lesson has no steps");
        }
        List<PlannedCheck> checks = new ArrayList<>();
        Set<String> before = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            LessonStep s = steps.get(i);
            if (s.getExpect() != null) {
                for (Hypothesis h : s.getExpect()) {
                    checks.add(new PlannedCheck(i, false, refer(h, before, "steps[" + i + "].expect")));
                }
            }
            if (s.getUntil() != null) {
                checks.add(new PlannedCheck(i, true, refer(s.getUntil(), before, "steps[" + i + "].until")));
            }
            before.add(s.getName());
        }
        for (Hypothesis h : hypotheses) {
            checks.add(new PlannedCheck(-1, false, refer(h, before, "hypotheses")));
        }
        return new LessonPlan(name, steps, checks);
    }

    private static Hypothesis refer(Hypothesis h, Set<String> earlier, String where) {
        if (h.getRelativeTo() != null && !earlier.contains(h.getRelativeTo())) {
            throw new IllegalArgumentException(where + ".relativeTo: " + h.getRelativeTo() + " names no earlier step");
        }
        return h;
    }

    /** The step names some hypothesis refers to (their figures at their end are kept). */
    Set<String> referred() {
        Set<String> names = new HashSet<>();
        checks.forEach(c -> {
            if (c.hypothesis().getRelativeTo() != null) {
                names.add(c.hypothesis().getRelativeTo());
            }
        });
        return names;
    }

    /** The checks of one step (or -1: the lesson's own). */
    List<Integer> of(int step) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            if (checks.get(i).step() == step) {
                idx.add(i);
            }
        }
        return idx;
    }
}
