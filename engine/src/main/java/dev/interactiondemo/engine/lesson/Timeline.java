package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.SwitchedField;
import dev.interactiondemo.api.lesson.TimelineEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A lesson's timeline at one look: entries added to its status (the latest kept), and the look's events. */
final class Timeline {
    /** How many entries a lesson's status keeps. */
    static final int KEPT = 60;

    private final InteractionLessonStatus status;
    private final Instant now;
    private final List<String> events = new ArrayList<>();
    private boolean failed;

    Timeline(InteractionLessonStatus status, Instant now) {
        this.status = status;
        this.now = now;
    }

    Instant now() {
        return now;
    }

    /** Adds an entry: what happened in a step (or outside the steps: null), with its figures. */
    void add(String step, String text) {
        List<TimelineEntry> entries = status.getTimeline() == null ? new ArrayList<>()
                : new ArrayList<>(status.getTimeline());
        TimelineEntry e = new TimelineEntry();
        e.setAt(now.toString());
        e.setStep(step);
        e.setText(text);
        entries.add(e);
        while (entries.size() > KEPT) {
            entries.remove(0);
        }
        status.setTimeline(entries);
        events.add(step == null ? text : step + ": " + text);
        failed |= text.startsWith("Failed") || text.startsWith("Inconclusive") || text.startsWith("no effect")
                || text.startsWith("lesson ends: Failed") || text.startsWith("lesson ends: Aborted");
    }

    /** The look's actions, with the events it added. */
    LessonActions done(List<SwitchedField> inForce, boolean restore, Integer rewind, Duration lookAgain) {
        return new LessonActions(inForce == null ? List.of() : List.copyOf(inForce), restore, rewind,
                List.copyOf(events), failed, lookAgain);
    }
}
