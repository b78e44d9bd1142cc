package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.Figure;
import dev.interactiondemo.api.lesson.HypothesisVerdict;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.api.lesson.LessonStep;
import dev.interactiondemo.api.lesson.SwitchedField;
import dev.interactiondemo.common.Durations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lesson's run, one look at a time: the same for the operator and the sandbox. It is pure: everything it knows is in
 * the lesson's status (so a run goes on after an operator restart), and what it asks of its runner is in the
 * {@link LessonActions} it returns.
 *
 * <p>Each look: a Pending run starts (records the demo's figures); a step begins (its switches recorded with what
 * they were before, so they can be given back), lasts (hold, or until its hypothesis holds, at most its timeout) and
 * ends (its hypotheses judged); the lesson's own hypotheses are judged at the end; then every switch is given back
 * and the phase says the verdict.
 */
public final class LessonRunner {
    /** How often a running lesson looks at its demo. */
    public static final Duration LOOK_EVERY = Duration.ofSeconds(1);
    private static final Duration PENDING_LOOK = Duration.ofSeconds(5);

    private LessonRunner() {
    }

    /** A new lesson's status: Pending, nothing seen. */
    public static InteractionLessonStatus initial(InteractionLessonSpec spec) {
        InteractionLessonStatus s = new InteractionLessonStatus();
        s.setLesson(spec.getLesson() == null ? LessonPlan.CUSTOM : spec.getLesson());
        s.setRun(spec.getRuns() == null ? 1 : spec.getRuns());
        s.setPhase(LessonPhase.Pending);
        return s;
    }

    /**
     * One look at the demo.
     *
     * @param spec   the lesson's spec (a catalogue lesson is resolved here)
     * @param status the lesson's status ({@link #initial} for a new one), updated in place
     * @param demo   the demo as it is now; null when it does not exist
     * @param now    the time of the look
     */
    public static LessonActions look(InteractionLessonSpec spec, InteractionLessonStatus status, DemoLook demo,
                                     Instant now) {
        Timeline timeline = new Timeline(status, now);
        if (status.getPhase() == null) {
            status.setPhase(LessonPhase.Pending);
        }
        int runs = spec.getRuns() == null ? 1 : spec.getRuns();
        if (status.getPhase().ended() && empty(status.getSwitched()) && status.getRun() != null
                && runs > status.getRun()) {
            LessonEnd.archive(status, spec.getHistoryLimit());
            LessonEnd.reset(status, runs);
            timeline.add(null, "run " + runs + " asked for");
        }
        if (status.getPhase().ended()) {
            return empty(status.getSwitched()) ? timeline.done(List.of(), false, null, null)
                    : timeline.done(List.of(), true, null, null);
        }
        LessonPlan plan;
        try {
            plan = LessonPlan.of(spec);
        } catch (IllegalArgumentException e) {
            return LessonEnd.end(status, null, LessonPhase.Aborted, "the lesson cannot run: " + e.getMessage(),
                    timeline);
        }
        if (Boolean.TRUE.equals(spec.getAbort())) {
            return LessonEnd.end(status, plan, LessonPhase.Aborted, "aborted: spec.abort is true", timeline);
        }
        if (demo == null) {
            if (status.getPhase() == LessonPhase.Running) {
                return LessonEnd.end(status, plan, LessonPhase.Aborted, "its demo " + spec.getDemo()
                        + " was deleted", timeline);
            }
            status.setMessage("waits for its demo: there is no InteractionDemo " + spec.getDemo()
                    + " in this namespace");
            return timeline.done(List.of(), false, null, PENDING_LOOK);
        }
        Map<Figure, Double> figures = LessonFigures.of(demo.status());
        if (status.getPhase() == LessonPhase.Pending) {
            start(status, plan, figures, timeline);
        }
        return running(spec, status, plan, demo, figures, timeline);
    }

    /** The runner waits for something outside the lesson (another lesson on the demo): Pending, saying why. */
    public static void waiting(InteractionLessonStatus status, String why, Instant now) {
        if (status.getPhase() == null || status.getPhase() == LessonPhase.Pending) {
            status.setPhase(LessonPhase.Pending);
            status.setMessage(why);
        }
    }

    /** The runner's report: the rewind moved the Workers' group back by {@code moved} messages in all. */
    public static void rewound(InteractionLessonStatus status, long moved, Instant now) {
        status.setPredictedDuplicates(moved);
        status.setStepSwitched(true);
        status.setStepStartedAt(now.toString()); // the step's hold counts from the rewind
        new Timeline(status, now).add(status.getStep(), "rewound the Workers' group by " + moved + " messages: "
                + moved + " duplicates predicted");
    }

    /** The runner's report: every switched field is given back. */
    public static void restored(InteractionLessonStatus status, Instant now) {
        if (!empty(status.getSwitched())) {
            StringBuilder s = new StringBuilder("gave back ");
            for (SwitchedField f : status.getSwitched()) {
                s.append(s.length() > 10 ? ", " : "").append(f.getField()).append(' ')
                        .append(SwitchFields.text(f.getBefore()));
            }
            new Timeline(status, now).add(null, s.toString());
        }
        status.setSwitched(null);
        if (status.getPhase() != null && status.getPhase().ended()) {
            LessonEnd.complete(status, now);
        }
    }

    private static void start(InteractionLessonStatus status, LessonPlan plan, Map<Figure, Double> figures,
                              Timeline timeline) {
        status.setPhase(LessonPhase.Running);
        status.setLesson(plan.name());
        status.setStartedAt(timeline.now().toString());
        status.setFinishedAt(null);
        status.setMessage(null);
        status.setVerdict(null);
        status.setLessonStart(LessonFigures.named(figures));
        List<HypothesisVerdict> verdicts = new ArrayList<>();
        for (LessonPlan.PlannedCheck c : plan.checks()) {
            verdicts.add(HypothesisCheck.start(c.hypothesis(), c.step() < 0 ? null : plan.steps().get(c.step())
                    .getName(), c.until()));
        }
        status.setHypotheses(verdicts);
        status.setConditions(LessonEnd.runningConditions(timeline.now()));
        timeline.add(null, "lesson " + plan.name() + " begins (run " + status.getRun() + ")");
        begin(status, plan, 0, figures, timeline);
    }

    private static void begin(InteractionLessonStatus status, LessonPlan plan, int index, Map<Figure, Double> figures,
                              Timeline timeline) {
        LessonStep step = plan.steps().get(index);
        status.setStepIndex(index);
        status.setStep(step.getName());
        status.setStepStartedAt(timeline.now().toString());
        status.setStepSwitched(false);
        status.setEffectSeen(false);
        status.setStepStart(LessonFigures.named(figures));
        timeline.add(step.getName(), "step " + (index + 1) + "/" + plan.steps().size() + " " + step.getName()
                + " begins");
    }

    private static LessonActions running(InteractionLessonSpec spec, InteractionLessonStatus status, LessonPlan plan,
                                         DemoLook demo, Map<Figure, Double> figures, Timeline timeline) {
        Instant now = timeline.now();
        int index = status.getStepIndex() == null ? 0 : status.getStepIndex();
        LessonStep step = plan.steps().get(index);
        Instant stepStart = Instant.parse(status.getStepStartedAt());
        Map<String, String> set = SwitchFields.of(step.getSet());
        if (!Boolean.TRUE.equals(status.getStepSwitched())) {
            if (!set.isEmpty() && !switchedBy(status, step)) {
                switchFields(status, demo, set, step.getName(), timeline);
            }
            if (step.getRewind() != null) {
                Double members = figures.get(Figure.workerMembers);
                boolean groupEmpty = demo.groupEmpty() != null ? demo.groupEmpty() : members != null && members == 0;
                if (!groupEmpty) {
                    if (now.isAfter(stepStart.plus(timeout(step)))) {
                        return LessonEnd.end(status, plan, LessonPhase.Failed, "the rewind in step " + step.getName()
                                + " waited " + Durations.format(timeout(step)) + " for the Workers' group to be "
                                + "empty", timeline);
                    }
                    status.setMessage("step " + step.getName() + " waits for the Workers' group to be empty to "
                            + "rewind it");
                    return timeline.done(status.getSwitched(), false, null, LOOK_EVERY);
                }
                status.setMessage(null);
                return timeline.done(status.getSwitched(), false, step.getRewind(), LOOK_EVERY);
            }
            status.setStepSwitched(true);
        }
        HypothesisCheck.Reading reading = new HypothesisCheck.Reading(figures, status.getStepStart(),
                status.getStepEnds(), status.getPredictedDuplicates());
        HypothesisCheck.Reading lessonReading = new HypothesisCheck.Reading(figures, status.getLessonStart(),
                status.getStepEnds(), status.getPredictedDuplicates());
        Instant lessonStart = Instant.parse(status.getStartedAt());
        boolean untilHolds = false;
        for (int i : plan.of(index)) {
            LessonPlan.PlannedCheck c = plan.checks().get(i);
            Boolean holds = HypothesisCheck.read(c.hypothesis(), status.getHypotheses().get(i), reading, stepStart,
                    now, c.until());
            untilHolds |= c.until() && Boolean.TRUE.equals(holds);
        }
        for (int i : plan.of(-1)) {
            HypothesisCheck.read(plan.checks().get(i).hypothesis(), status.getHypotheses().get(i), lessonReading,
                    lessonStart, now, false);
        }
        Set<Figure> watched = StepEffects.watched(set.keySet());
        if (!set.isEmpty() && !Boolean.TRUE.equals(status.getEffectSeen())) {
            String moved = StepEffects.moved(watched, status.getStepStart(), figures);
            if (moved != null) {
                status.setEffectSeen(true);
                timeline.add(step.getName(), "effect: " + moved + " within " + HypothesisCheck.since(stepStart, now));
            }
        }
        boolean ends;
        boolean timedOut = false;
        if (step.getHold() != null) {
            ends = !now.isBefore(stepStart.plus(Durations.parse(step.getHold())));
        } else if (step.getUntil() != null) {
            timedOut = !untilHolds && !now.isBefore(stepStart.plus(timeout(step)));
            ends = untilHolds || timedOut;
        } else {
            ends = true;
        }
        if (!ends) {
            return timeline.done(status.getSwitched(), false, null, LOOK_EVERY);
        }
        endStep(status, plan, index, reading, stepStart, watched, set, timeline);
        if (timedOut) {
            return LessonEnd.end(status, plan, LessonPhase.Failed, "step " + step.getName() + ": its until did not "
                    + "hold within " + Durations.format(timeout(step)), timeline, lessonReading);
        }
        if (index + 1 < plan.steps().size()) {
            begin(status, plan, index + 1, figures, timeline);
            return timeline.done(status.getSwitched(), false, null, LOOK_EVERY);
        }
        return LessonEnd.end(status, plan, null, null, timeline, lessonReading);
    }

    private static void endStep(InteractionLessonStatus status, LessonPlan plan, int index,
                                HypothesisCheck.Reading reading, Instant stepStart, Set<Figure> watched,
                                Map<String, String> set, Timeline timeline) {
        LessonStep step = plan.steps().get(index);
        Instant now = timeline.now();
        for (int i : plan.of(index)) {
            LessonPlan.PlannedCheck c = plan.checks().get(i);
            HypothesisVerdict v = status.getHypotheses().get(i);
            HypothesisCheck.end(c.hypothesis(), v, reading, stepStart, now, c.until());
            timeline.add(step.getName(), v.getVerdict() + ": " + v.getHypothesis() + ": " + v.getEvidence());
        }
        if (!set.isEmpty() && !Boolean.TRUE.equals(status.getEffectSeen()) && !watched.isEmpty()) {
            timeline.add(step.getName(), StepEffects.nothingMoved(set.keySet(), watched,
                    Duration.between(stepStart, now).toSeconds()));
        }
        if (plan.referred().contains(step.getName())) {
            Map<String, Map<String, Double>> ends = status.getStepEnds() == null ? new HashMap<>()
                    : new HashMap<>(status.getStepEnds());
            ends.put(step.getName(), LessonFigures.named(reading.figures()));
            status.setStepEnds(ends);
        }
        timeline.add(step.getName(), "step " + step.getName() + " ends after " + HypothesisCheck.since(stepStart, now));
    }

    /** Whether this step's switches are recorded already (a look after an operator restart mid-step). */
    private static boolean switchedBy(InteractionLessonStatus status, LessonStep step) {
        Map<String, SwitchedField> known = SwitchFields.byField(status.getSwitched());
        for (var e : SwitchFields.of(step.getSet()).entrySet()) {
            SwitchedField f = known.get(e.getKey());
            if (f == null || !e.getValue().equals(f.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static void switchFields(InteractionLessonStatus status, DemoLook demo, Map<String, String> set,
                                     String stepName, Timeline timeline) {
        List<SwitchedField> switched = SwitchFields.copy(status.getSwitched());
        Map<String, SwitchedField> known = SwitchFields.byField(switched);
        StringBuilder said = new StringBuilder("switched ");
        set.forEach((field, value) -> {
            SwitchedField f = known.get(field);
            String from = f != null ? f.getValue() : SwitchFields.read(demo.spec(), field);
            if (f == null) {
                f = new SwitchedField();
                f.setField(field);
                f.setBefore(SwitchFields.read(demo.spec(), field));
                switched.add(f);
            }
            f.setValue(value);
            said.append(said.length() > 9 ? ", " : "").append(field).append(' ').append(SwitchFields.text(from))
                    .append(" → ").append(SwitchFields.text(value));
        });
        status.setSwitched(switched);
        timeline.add(stepName, said.toString());
    }

    private static Duration timeout(LessonStep step) {
        return step.getTimeout() == null ? LessonPlan.DEFAULT_TIMEOUT : Durations.parse(step.getTimeout());
    }

    static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
