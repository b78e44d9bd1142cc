package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.lesson.HypothesisVerdict;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.TimelineEntry;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A lesson's result at the end of a run: its timeline and every hypothesis's verdict with its evidence, as a readable
 * block; with {@code --output json}, also the lesson's status (as an InteractionLesson's {@code status}) as one JSON
 * object, the last line on stdout.
 */
final class LessonReport {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private LessonReport() {
    }

    /**
     * Prints the result.
     *
     * @param readable where the readable block goes (stdout for the table, stderr with JSON)
     * @param json     where the JSON object goes; null for none
     * @param problem  why the lesson did not run to its end, or null
     */
    static void print(String name, InteractionLessonStatus s, String problem, PrintStream readable,
                      PrintStream json) {
        readable.println();
        if (s == null) {
            readable.println("Lesson " + name + ": did not run: " + problem);
        } else {
            readable.println("Lesson " + name + ": " + s.getPhase() + (s.getMessage() == null ? "" : ": "
                    + s.getMessage()) + (problem == null ? "" : " (" + problem + ")"));
            readable.println("Timeline:");
            for (TimelineEntry e : list(s.getTimeline())) {
                readable.printf("  %s  %-14s %s%n", time(e.getAt()), e.getStep() == null ? "" : e.getStep(),
                        e.getText());
            }
            readable.println("Hypotheses:");
            for (HypothesisVerdict h : list(s.getHypotheses())) {
                readable.printf("  %-12s %s%s%s%n", h.getVerdict(), h.getStep() == null ? "" : h.getStep() + ": ",
                        h.getHypothesis(), h.getSays() == null ? "" : " (" + h.getSays() + ")");
                if (h.getEvidence() != null) {
                    readable.printf("  %-12s %s%n", "", h.getEvidence());
                }
            }
        }
        readable.flush();
        if (json != null) {
            InteractionLessonStatus out = s == null ? new InteractionLessonStatus() : s;
            if (problem != null && out.getMessage() == null) {
                out.setMessage(problem);
            }
            json.println(JSON.asJson(out));
            json.flush();
        }
    }

    private static String time(String at) {
        try {
            return TIME.format(Instant.parse(at));
        } catch (RuntimeException e) {
            return String.valueOf(at);
        }
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
