package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.Figure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a step's switches took effect: the figures each switched field moves, and the first of them seen to move
 * away from where it was when the step began.
 */
final class StepEffects {

    private StepEffects() {
    }

    /** The figures a switched field is expected to move. */
    static Set<Figure> watched(Iterable<String> fields) {
        Set<Figure> figures = new LinkedHashSet<>();
        for (String field : fields) {
            figures.addAll(switch (field) {
                case "greeter.replicas", "faults.greeter.unavailable" -> List.of(Figure.greeterAvailable,
                        Figure.hostBlocked, Figure.producedPerSecond);
                case "faults.greeter.errorRate" -> List.of(Figure.greeterErrorRate, Figure.producedPerSecond);
                case "greeter.responseDelay" -> List.of(Figure.greeterCallP99Ms, Figure.producedPerSecond);
                case "host.callMode", "host.messagesPerSecond" -> List.of(Figure.producedPerSecond);
                // not the lag: it may be rising or draining already, whatever the step does
                case "worker.replicas" -> List.of(Figure.workers, Figure.workerMembers, Figure.consumedPerSecond);
                case "worker.processingDelay" -> List.of(Figure.consumedPerSecond, Figure.lag);
                case "faults.worker.failBeforeCommit" -> List.of(Figure.duplicates);
                case "faults.kafka.cutHost" -> List.of(Figure.producedPerSecond, Figure.hostBlocked);
                default -> List.of();
            });
        }
        return figures;
    }

    /**
     * The first watched figure that moved, in words ({@code greeterErrorRate 0 → 0.29}), or null when none has.
     */
    static String moved(Set<Figure> watched, Map<String, Double> base, Map<Figure, Double> now) {
        for (Figure f : watched) {
            Double before = LessonFigures.in(base, f);
            Double after = now.get(f);
            if (after != null && moved(f, before, after)) {
                return f.name() + " " + LessonFigures.text(f, before) + " → " + LessonFigures.text(f, after);
            }
        }
        return null;
    }

    private static boolean moved(Figure f, Double before, double after) {
        if (before == null) {
            return false;
        }
        double delta = Math.abs(after - before);
        double least = switch (f) {
            case greeterErrorRate -> 0.05;
            case producedPerSecond, consumedPerSecond -> 0.5;
            case lag -> 5;
            case greeterCallP99Ms -> 20;
            default -> 0.5; // counts and yes/no figures: any change
        };
        boolean relative = f == Figure.producedPerSecond || f == Figure.consumedPerSecond
                || f == Figure.greeterCallP99Ms;
        return delta >= least && (!relative || delta >= 0.2 * Math.abs(before));
    }

    /** What to say when a step's switches moved nothing. */
    static String nothingMoved(Iterable<String> fields, Set<Figure> watched, long seconds) {
        StringBuilder s = new StringBuilder("no effect seen on ");
        s.append(String.join(", ", watched.stream().map(Figure::name).toList())).append(" within ").append(seconds)
                .append(" s");
        for (String field : fields) {
            if ("faults.kafka.cutHost".equals(field)) {
                s.append(": does the cluster's network plugin enforce NetworkPolicies?");
            }
        }
        return s.toString();
    }
}
