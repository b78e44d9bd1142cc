package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.Check;
import dev.interactiondemo.api.lesson.Comparison;
import dev.interactiondemo.api.lesson.Figure;
import dev.interactiondemo.api.lesson.Hypothesis;
import dev.interactiondemo.api.lesson.HypothesisVerdict;
import dev.interactiondemo.api.lesson.Verdict;
import dev.interactiondemo.common.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * One hypothesis checked against the demo's figures, reading after reading, and judged at the end of its window (its
 * step, or the whole lesson); its verdict and evidence, and what it has seen, live in its {@link HypothesisVerdict}.
 */
final class HypothesisCheck {

    /**
     * What a hypothesis is compared with at one reading.
     *
     * @param figures   the demo's figures now
     * @param base      the figures when its window began (for {@code change})
     * @param stepEnds  the figures at the end of earlier steps (for {@code relativeTo})
     * @param predicted the duplicates the last rewind predicted, or null
     */
    record Reading(Map<Figure, Double> figures, Map<String, Double> base, Map<String, Map<String, Double>> stepEnds,
                   Long predicted) {
    }

    private HypothesisCheck() {
    }

    /** A new verdict entry: Checking, nothing seen. */
    static HypothesisVerdict start(Hypothesis h, String step, boolean until) {
        HypothesisVerdict v = new HypothesisVerdict();
        v.setStep(step);
        v.setHypothesis(until ? "until " + describe(h, false) : describe(h, true));
        v.setSays(h.getSays());
        v.setVerdict(Verdict.Checking);
        v.setReadings(0);
        return v;
    }

    /** The hypothesis in words: {@code lag above 0 sometime after 5s}; without when it is checked for an until. */
    static String describe(Hypothesis h, boolean when) {
        StringBuilder s = new StringBuilder(h.getFigure().name());
        if (Boolean.TRUE.equals(h.getChange())) {
            s.append(" (change)");
        }
        s.append(' ').append(h.getIs().name()).append(' ');
        if (Boolean.TRUE.equals(h.getPredicted())) {
            s.append("the predicted duplicates");
        } else {
            s.append(LessonFigures.text(h.getFigure(), h.getValue()));
            if (h.getRelativeTo() != null) {
                s.append(" × its value at the end of ").append(h.getRelativeTo());
            }
        }
        if (h.getIs() == Comparison.near) {
            s.append(" ± ").append(LessonFigures.text(h.getFigure(), tolerance(h, h.getValue())));
        }
        Check check = check(h);
        if (when) {
            s.append(check == Check.atEnd ? " at the end" : " " + check.name());
        }
        if (when && h.getAfter() != null) {
            s.append(" after ").append(h.getAfter());
        }
        return s.toString();
    }

    /**
     * One reading while the window lasts: what it has seen is updated, and an always that fails, a sometime or an
     * until that holds gets its verdict now.
     *
     * @return whether the hypothesis holds at this reading (null: the figure could not be read)
     */
    static Boolean read(Hypothesis h, HypothesisVerdict v, Reading r, Instant windowStart, Instant now,
                        boolean until) {
        Double value = value(h, r);
        if (value == null || v.getVerdict() != Verdict.Checking) {
            return null;
        }
        seen(v, value);
        Double target = target(h, r);
        if (target == null) {
            return null;
        }
        boolean holds = holds(h, value, target);
        boolean active = h.getAfter() == null || !now.isBefore(windowStart.plus(Durations.parse(h.getAfter())));
        Check check = until ? Check.atEnd : check(h);
        String at = clock(now) + " (" + since(windowStart, now) + " in)";
        if (until && holds) {
            judge(v, Verdict.Passed, "at " + at + ": " + figure(h, value) + range(h, v), now);
        } else if (!until && active && check == Check.always && !holds) {
            judge(v, Verdict.Failed, "at " + at + ": " + figure(h, value) + ", expected " + expected(h, target)
                    + range(h, v), now);
        } else if (!until && active && check == Check.sometime && holds) {
            judge(v, Verdict.Passed, "at " + at + ": " + figure(h, value) + range(h, v), now);
        }
        return holds;
    }

    /** The end of its window: what is still Checking is judged now (an until that is still Checking timed out). */
    static void end(Hypothesis h, HypothesisVerdict v, Reading r, Instant windowStart, Instant now, boolean until) {
        if (v.getVerdict() != Verdict.Checking) {
            return;
        }
        String during = " over " + since(windowStart, now);
        Double target = target(h, r);
        if (until) {
            judge(v, Verdict.Failed, "not within" + during + ": last " + last(h, v) + range(h, v), now);
            return;
        }
        Check check = check(h);
        if (check == Check.atEnd) {
            Double value = value(h, r);
            if (value == null || target == null) {
                judge(v, Verdict.Inconclusive, "at the end, " + unreadable(h, value, target), now);
                return;
            }
            seen(v, value);
            boolean holds = holds(h, value, target);
            judge(v, holds ? Verdict.Passed : Verdict.Failed, "at the end (" + clock(now) + "): " + figure(h, value)
                    + (holds ? "" : ", expected " + expected(h, target)) + range(h, v), now);
        } else if (v.getReadings() == null || v.getReadings() == 0 || target == null) {
            judge(v, Verdict.Inconclusive, "no reading" + during + ": " + unreadable(h, null, target), now);
        } else if (check == Check.always) {
            judge(v, Verdict.Passed, "held at all " + v.getReadings() + " readings" + during + range(h, v), now);
        } else {
            judge(v, Verdict.Failed, "never in " + v.getReadings() + " readings" + during + ": expected "
                    + expected(h, target) + range(h, v), now);
        }
    }

    /** Ends a check the lesson did not reach (it ended early). */
    static void skip(HypothesisVerdict v, String why, Instant now) {
        if (v.getVerdict() == Verdict.Checking) {
            judge(v, Verdict.Inconclusive, "not judged: " + why, now);
        }
    }

    static Check check(Hypothesis h) {
        return h.getCheck() == null ? Check.atEnd : h.getCheck();
    }

    private static Double value(Hypothesis h, Reading r) {
        Double raw = r.figures().get(h.getFigure());
        if (raw == null || !Boolean.TRUE.equals(h.getChange())) {
            return raw;
        }
        Double base = LessonFigures.in(r.base(), h.getFigure());
        return base == null ? null : raw - base;
    }

    private static Double target(Hypothesis h, Reading r) {
        if (Boolean.TRUE.equals(h.getPredicted())) {
            return r.predicted() == null ? null : r.predicted().doubleValue();
        }
        if (h.getRelativeTo() == null) {
            return h.getValue();
        }
        Double ref = r.stepEnds() == null ? null : LessonFigures.in(r.stepEnds().get(h.getRelativeTo()), h.getFigure());
        return ref == null ? null : h.getValue() * ref;
    }

    static boolean holds(Hypothesis h, double v, double t) {
        return switch (h.getIs()) {
            case equal -> v == t;
            case notEqual -> v != t;
            case above -> v > t;
            case below -> v < t;
            case atLeast -> v >= t;
            case atMost -> v <= t;
            case near -> Math.abs(v - t) <= tolerance(h, t);
        };
    }

    private static double tolerance(Hypothesis h, Double target) {
        if (h.getTolerance() != null) {
            return h.getTolerance();
        }
        return Math.max(0.05, 0.1 * Math.abs(target == null ? 0 : target));
    }

    private static void seen(HypothesisVerdict v, double value) {
        int n = v.getReadings() == null ? 0 : v.getReadings();
        if (n == 0) {
            v.setFirst(value);
        }
        v.setReadings(n + 1);
        v.setMin(v.getMin() == null ? value : Math.min(v.getMin(), value));
        v.setMax(v.getMax() == null ? value : Math.max(v.getMax(), value));
        v.setLast(value);
    }

    private static void judge(HypothesisVerdict v, Verdict verdict, String evidence, Instant now) {
        v.setVerdict(verdict);
        v.setEvidence(evidence);
        v.setAt(now.toString());
    }

    private static String figure(Hypothesis h, double value) {
        return h.getFigure().name() + (Boolean.TRUE.equals(h.getChange()) ? " changed by " : " ")
                + LessonFigures.text(h.getFigure(), value);
    }

    private static String expected(Hypothesis h, double target) {
        return h.getIs().name() + " " + LessonFigures.text(h.getFigure(), target);
    }

    private static String last(Hypothesis h, HypothesisVerdict v) {
        return v.getLast() == null ? h.getFigure().name() + " never read" : figure(h, v.getLast());
    }

    private static String range(Hypothesis h, HypothesisVerdict v) {
        if (v.getReadings() == null || v.getReadings() < 2) {
            return "";
        }
        return " (" + v.getReadings() + " readings: first " + LessonFigures.text(h.getFigure(), v.getFirst())
                + ", min " + LessonFigures.text(h.getFigure(), v.getMin()) + ", max "
                + LessonFigures.text(h.getFigure(), v.getMax()) + ")";
    }

    private static String unreadable(Hypothesis h, Double value, Double target) {
        if (target == null && Boolean.TRUE.equals(h.getPredicted())) {
            return "no rewind predicted duplicates";
        }
        if (target == null) {
            return h.getFigure().name() + " at the end of " + h.getRelativeTo() + " is unknown";
        }
        return h.getFigure().name() + " could not be read (the demo's status does not show it)";
    }

    static String clock(Instant t) {
        return LocalTime.ofInstant(t.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).toString();
    }

    static String since(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.toSeconds() + " s";
    }
}
