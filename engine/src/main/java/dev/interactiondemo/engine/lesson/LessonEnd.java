package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.HypothesisVerdict;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.api.lesson.LessonRunRecord;
import dev.interactiondemo.api.lesson.Verdict;
import dev.interactiondemo.engine.Conditions;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The end of a lesson's run: the last verdicts, the phase, the conditions, and the history of runs. */
final class LessonEnd {
    static final String COMPLETE = "Complete";
    static final String PASSED = "Passed";

    private LessonEnd() {
    }

    /** Ends the run without judging the lesson's own hypotheses on a reading (it ended early). */
    static LessonActions end(InteractionLessonStatus status, LessonPlan plan, LessonPhase phase, String why,
                             Timeline timeline) {
        return end(status, plan, phase, why, timeline, null);
    }

    /**
     * Ends the run: the lesson's own hypotheses judged on the last reading (when given), the others not reached
     * Inconclusive; the phase from the verdicts unless given (Aborted, or Failed for a step that failed).
     */
    static LessonActions end(InteractionLessonStatus status, LessonPlan plan, LessonPhase phase, String why,
                             Timeline timeline, HypothesisCheck.Reading lessonReading) {
        Instant now = timeline.now();
        List<HypothesisVerdict> verdicts = status.getHypotheses() == null ? List.of() : status.getHypotheses();
        if (plan != null && lessonReading != null && status.getStartedAt() != null) {
            for (int i : plan.of(-1)) {
                HypothesisCheck.end(plan.checks().get(i).hypothesis(), verdicts.get(i), lessonReading,
                        Instant.parse(status.getStartedAt()), now, false);
                HypothesisVerdict v = verdicts.get(i);
                timeline.add(null, v.getVerdict() + ": " + v.getHypothesis() + ": " + v.getEvidence());
            }
        }
        verdicts.forEach(v -> HypothesisCheck.skip(v, why == null ? "the lesson ended early" : why, now));
        Verdict verdict = verdict(verdicts);
        LessonPhase ended = phase != null ? phase : verdict == Verdict.Passed ? LessonPhase.Passed : LessonPhase.Failed;
        status.setPhase(ended);
        status.setVerdict(ended == LessonPhase.Aborted ? null : (ended == LessonPhase.Failed && verdict == Verdict.Passed
                ? Verdict.Failed : verdict).name());
        status.setFinishedAt(now.toString());
        status.setMessage(why != null ? why : summary(verdicts));
        timeline.add(null, "lesson ends: " + ended + (why != null ? " (" + why + ")" : "") + "; " + summary(verdicts));
        boolean restore = !LessonRunner.empty(status.getSwitched());
        if (!restore) {
            complete(status, now);
        }
        return timeline.done(List.of(), restore, null, restore ? LessonRunner.LOOK_EVERY : null);
    }

    /** The conditions of an ended run whose switches are all given back. */
    static void complete(InteractionLessonStatus status, Instant now) {
        String phase = status.getPhase().name();
        String summary = summary(status.getHypotheses() == null ? List.of() : status.getHypotheses());
        status.setConditions(List.of(
                Conditions.at(Conditions.of(COMPLETE, true, phase, "the lesson ended " + phase + " and gave back every"
                        + " switch"), now),
                Conditions.at(Conditions.of(PASSED, status.getPhase() == LessonPhase.Passed, phase,
                        status.getMessage() == null ? summary : status.getMessage()), now)));
    }

    /** The conditions while a run is under way. */
    static List<Condition> runningConditions(Instant now) {
        return List.of(
                Conditions.at(Conditions.of(COMPLETE, false, "Running", "the lesson is running"), now),
                Conditions.at(Conditions.unknown(PASSED, "Running", "no verdict yet"), now));
    }

    /** Keeps the ended run in the history (the latest {@code limit} runs). */
    static void archive(InteractionLessonStatus status, Integer limit) {
        int keep = limit == null ? 3 : limit;
        List<LessonRunRecord> history = status.getHistory() == null ? new ArrayList<>()
                : new ArrayList<>(status.getHistory());
        LessonRunRecord r = new LessonRunRecord();
        r.setRun(status.getRun());
        r.setPhase(status.getPhase());
        r.setStartedAt(status.getStartedAt());
        r.setFinishedAt(status.getFinishedAt());
        r.setSummary(status.getMessage());
        history.add(r);
        while (history.size() > keep) {
            history.remove(0);
        }
        status.setHistory(history.isEmpty() ? null : history);
    }

    /** A new run of the lesson: Pending, nothing seen (the history kept). */
    static void reset(InteractionLessonStatus status, int run) {
        status.setRun(run);
        status.setPhase(LessonPhase.Pending);
        status.setVerdict(null);
        status.setMessage(null);
        status.setStepIndex(null);
        status.setStep(null);
        status.setStepStartedAt(null);
        status.setStepSwitched(null);
        status.setEffectSeen(null);
        status.setStartedAt(null);
        status.setFinishedAt(null);
        status.setConditions(null);
        status.setTimeline(null);
        status.setHypotheses(null);
        status.setStepStart(null);
        status.setLessonStart(null);
        status.setStepEnds(null);
        status.setPredictedDuplicates(null);
    }

    private static Verdict verdict(List<HypothesisVerdict> verdicts) {
        if (verdicts.stream().anyMatch(v -> v.getVerdict() == Verdict.Failed)) {
            return Verdict.Failed;
        }
        if (verdicts.stream().anyMatch(v -> v.getVerdict() == Verdict.Inconclusive)) {
            return Verdict.Inconclusive;
        }
        return Verdict.Passed;
    }

    /** The verdicts in one line: {@code 4 passed, 1 failed: lost equal 0 at the end}. */
    static String summary(List<HypothesisVerdict> verdicts) {
        long passed = verdicts.stream().filter(v -> v.getVerdict() == Verdict.Passed).count();
        List<String> notPassed = verdicts.stream().filter(v -> v.getVerdict() != Verdict.Passed)
                .map(v -> v.getVerdict().name().toLowerCase(java.util.Locale.ROOT) + " " + v.getHypothesis()).toList();
        return passed + " passed" + (notPassed.isEmpty() ? "" : ", " + notPassed.size() + " not: "
                + String.join("; ", notPassed));
    }
}
