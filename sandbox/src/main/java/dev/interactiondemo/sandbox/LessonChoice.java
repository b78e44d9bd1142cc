package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.lesson.Comparison;
import dev.interactiondemo.api.lesson.Hypothesis;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.LessonStep;
import dev.interactiondemo.common.Durations;
import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Settings;
import dev.interactiondemo.engine.lesson.LessonCatalogue;
import dev.interactiondemo.engine.lesson.SwitchFields;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The lesson a run stages: one of the catalogue ({@code --scenario}) or an InteractionLesson YAML file
 * ({@code --lesson}), checked here as the cluster's admission would check it, so that a bad file is refused before
 * anything starts, every problem named.
 *
 * @param name the catalogue lesson's name, or the file's
 * @param flag the flag that gave it, as {@link Option#label()} names it
 * @param spec the lesson as {@link dev.interactiondemo.engine.lesson.LessonRunner} takes it
 */
record LessonChoice(String name, String flag, InteractionLessonSpec spec) {
    private static final String NONE = "none";

    /** The lesson the flags give, if any; each problem reported to {@code s}. */
    static Optional<LessonChoice> from(Settings s, Option scenario, Option lesson) {
        List<String> names = new ArrayList<>(List.of(NONE));
        names.addAll(LessonCatalogue.NAMES);
        String chosen = s.choice(scenario, names.toArray(String[]::new));
        Optional<String> file = s.raw(lesson).filter(f -> !f.isBlank());
        if (file.isPresent() && chosen != null && !chosen.equals(NONE)) {
            s.problem(scenario.label() + " and " + lesson.label() + ": give one lesson, not both");
            return Optional.empty();
        }
        if (file.isPresent()) {
            return fromFile(Path.of(file.get()), lesson.label(), p -> s.problem(lesson.label() + ": " + p));
        }
        if (chosen == null || chosen.equals(NONE) || !LessonCatalogue.NAMES.contains(chosen)) {
            return Optional.empty();
        }
        InteractionLessonSpec spec = new InteractionLessonSpec();
        spec.setDemo("sandbox");
        spec.setLesson(chosen);
        return Optional.of(new LessonChoice(chosen, scenario.label(), spec));
    }

    /** A lesson file, read and checked; each problem given to {@code problem}, naming the file. */
    static Optional<LessonChoice> fromFile(Path file, String flag, Consumer<String> problem) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problem.accept("cannot read " + file + ": " + (Files.exists(file) ? "not a readable file" : "no such file"));
            return Optional.empty();
        }
        InteractionLesson lesson;
        try {
            lesson = LessonCatalogue.read(file);
        } catch (NoSuchFileException e) {
            problem.accept("cannot read " + file + ": no such file");
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            problem.accept(file + " is not an InteractionLesson: " + firstLine(e));
            return Optional.empty();
        }
        List<String> problems = problems(lesson);
        problems.forEach(p -> problem.accept(file + ": " + p));
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        InteractionLessonSpec spec = lesson.getSpec();
        spec.setDemo("sandbox");
        String name = lesson.getMetadata() != null && lesson.getMetadata().getName() != null
                ? lesson.getMetadata().getName() : file.getFileName().toString();
        return Optional.of(new LessonChoice(name, flag, spec));
    }

    /** Whether the lesson cuts the Host off from Kafka (the cut needs the plaintext proxy). */
    boolean cutsTheHost() {
        if ("kafka-cut".equals(spec.getLesson())) {
            return true;
        }
        return spec.getSteps() != null && spec.getSteps().stream()
                .map(st -> SwitchFields.of(st.getSet()).get("faults.kafka.cutHost"))
                .anyMatch("true"::equals);
    }

    /** What admission would refuse in the lesson, one sentence each. */
    static List<String> problems(InteractionLesson lesson) {
        List<String> p = new ArrayList<>();
        if (lesson.getKind() != null && !lesson.getKind().equals("InteractionLesson")) {
            p.add("kind " + lesson.getKind() + ": expected InteractionLesson");
        }
        InteractionLessonSpec spec = lesson.getSpec();
        List<LessonStep> steps = spec.getSteps();
        if ((spec.getLesson() == null) == (steps == null || steps.isEmpty())) {
            p.add("spec: give either lesson (a lesson from the catalogue) or steps (a lesson of its own), not both");
        }
        if (spec.getLesson() != null && !LessonCatalogue.NAMES.contains(spec.getLesson())) {
            p.add("spec.lesson: '" + spec.getLesson() + "' is not one of the catalogue: "
                    + String.join(", ", LessonCatalogue.NAMES));
        }
        Set<String> stepNames = new HashSet<>();
        if (steps != null) {
            if (steps.size() > 20) {
                p.add("spec.steps: at most 20");
            }
            steps.forEach(st -> stepNames.add(st.getName()));
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < steps.size(); i++) {
                step(steps.get(i), "spec.steps[" + i + "]", seen, stepNames, p);
            }
        }
        List<Hypothesis> hs = spec.getHypotheses() == null ? List.of() : spec.getHypotheses();
        for (int i = 0; i < hs.size(); i++) {
            hypothesis(hs.get(i), "spec.hypotheses[" + i + "]", stepNames, p);
        }
        return p;
    }

    private static void step(LessonStep st, String at, Set<String> seen, Set<String> stepNames, List<String> p) {
        if (st.getName() == null || !st.getName().matches(LessonStep.NAME)) {
            p.add(at + ".name: '" + st.getName() + "' is not a step name (lower-case letters, digits and '-', "
                    + "at most 40 characters)");
        } else if (!seen.add(st.getName())) {
            p.add(at + ".name: " + st.getName() + " is the name of an earlier step: each step needs its own");
        }
        if (st.getSet() == null && st.getRewind() == null && st.getHold() == null && st.getUntil() == null) {
            p.add(at + ": a step switches (set), rewinds, holds (hold) or waits (until): give at least one");
        }
        if (st.getHold() != null && st.getUntil() != null) {
            p.add(at + ": hold or until, not both");
        }
        if (st.getTimeout() != null && st.getUntil() == null) {
            p.add(at + ".timeout: only with until");
        }
        if (st.getSet() != null && SwitchFields.of(st.getSet()).isEmpty()) {
            p.add(at + ".set: name at least one of greeter, host, worker, faults");
        }
        if (st.getRewind() != null && (st.getRewind() < 1 || st.getRewind() > 1_000_000)) {
            p.add(at + ".rewind: " + st.getRewind() + " is out of range [1, 1000000]");
        }
        duration(st.getHold(), at + ".hold", p);
        duration(st.getTimeout(), at + ".timeout", p);
        if (st.getSet() != null && st.getSet().getGreeter() != null) {
            duration(st.getSet().getGreeter().getResponseDelay(), at + ".set.greeter.responseDelay", p);
        }
        if (st.getSet() != null && st.getSet().getWorker() != null) {
            duration(st.getSet().getWorker().getProcessingDelay(), at + ".set.worker.processingDelay", p);
        }
        if (st.getUntil() != null) {
            hypothesis(st.getUntil(), at + ".until", stepNames, p);
        }
        List<Hypothesis> expect = st.getExpect() == null ? List.of() : st.getExpect();
        for (int i = 0; i < expect.size(); i++) {
            hypothesis(expect.get(i), at + ".expect[" + i + "]", stepNames, p);
        }
    }

    private static void hypothesis(Hypothesis h, String at, Set<String> stepNames, List<String> p) {
        if (h.getFigure() == null) {
            p.add(at + ".figure: required");
        }
        if (h.getIs() == null) {
            p.add(at + ".is: required (equal, notEqual, above, below, atLeast, atMost, near)");
        }
        boolean predicted = Boolean.TRUE.equals(h.getPredicted());
        if ((h.getValue() != null) == predicted) {
            p.add(at + ": give either value or predicted: true");
        }
        if (h.getTolerance() != null && h.getIs() != Comparison.near) {
            p.add(at + ".tolerance: only with is: near");
        }
        if (h.getRelativeTo() != null && !stepNames.contains(h.getRelativeTo())) {
            p.add(at + ".relativeTo: no step named " + h.getRelativeTo());
        }
        duration(h.getAfter(), at + ".after", p);
    }

    private static void duration(String text, String at, List<String> p) {
        if (text == null) {
            return;
        }
        try {
            Durations.parse(text);
        } catch (IllegalArgumentException e) {
            p.add(at + ": " + e.getMessage());
        }
    }

    private static String firstLine(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
