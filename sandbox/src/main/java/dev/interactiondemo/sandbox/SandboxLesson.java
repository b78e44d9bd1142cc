package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.api.lesson.SwitchedField;
import dev.interactiondemo.api.lesson.TimelineEntry;
import dev.interactiondemo.engine.lesson.DemoLook;
import dev.interactiondemo.engine.lesson.LessonActions;
import dev.interactiondemo.engine.lesson.LessonRunner;
import dev.interactiondemo.engine.lesson.SwitchFields;
import dev.interactiondemo.kafka.GroupRewind;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one lesson on the sandbox with the operator's engine ({@link LessonRunner}), on a thread of its own: at each
 * look it shows the runner the sandbox's live settings (as the demo's spec) and its latest status, then does what the
 * runner asks: switch fields on the running parts, rewind the Workers' group, give everything back. What happens is
 * printed on {@code err} as it happens; the lesson's status (timeline, verdicts) is there for the report at the end.
 */
final class SandboxLesson {
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 250;
    /** Looks after the phase ended without the runner giving the switches back: then the sandbox gives them back. */
    private static final int LOOKS_AFTER_THE_END = 3;

    private final LessonChoice lesson;
    private final SandboxParts parts;
    private final Admin admin;
    private final History history;
    private final PrintStream err;
    private final Runnable onEnd;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean aborting;
    private volatile InteractionLessonStatus status;
    private volatile String problem;

    /** @param onEnd called once the lesson has ended and given everything back (or could not run) */
    SandboxLesson(LessonChoice lesson, SandboxParts parts, Admin admin, History history, PrintStream err,
                  Runnable onEnd) {
        this.lesson = lesson;
        this.parts = parts;
        this.admin = admin;
        this.history = history;
        this.err = err;
        this.onEnd = onEnd;
    }

    SandboxLesson start() {
        Thread t = new Thread(this::run, "sandbox-lesson");
        t.setDaemon(true);
        t.start();
        return this;
    }

    boolean ended() {
        return ended.getCount() == 0;
    }

    /**
     * Ends the lesson now (it gives every switch back; phase Aborted), saying why, and waits for it (at most
     * {@code timeout}).
     */
    void abort(String why, Duration timeout) throws InterruptedException {
        if (ended()) {
            return;
        }
        err.println("sandbox: lesson " + lesson.name() + ": " + why + "; ending it, giving back what it switched");
        lesson.spec().setAbort(true);
        aborting = true;
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            err.println("sandbox: lesson " + lesson.name() + ": did not end within " + timeout.toSeconds() + " s");
        }
    }

    /** The lesson's status as the runner left it; null if it could not start. */
    InteractionLessonStatus status() {
        return status;
    }

    /** Why the lesson could not run to its end, or null. */
    String problem() {
        return problem;
    }

    /** 0 when the lesson Passed; else 1. */
    int exitStatus() {
        InteractionLessonStatus s = status;
        return problem == null && s != null && s.getPhase() == LessonPhase.Passed ? 0 : 1;
    }

    private void run() {
        try {
            status = LessonRunner.initial(lesson.spec());
            long seen = 0;
            long notBefore = System.nanoTime();
            int looksAfterTheEnd = 0;
            while (true) {
                History.Entry entry = aborting ? null : awaitLook(seen, notBefore);
                if (entry != null) {
                    seen = entry.seq();
                }
                LessonActions a = LessonRunner.look(lesson.spec(), status,
                        new DemoLook(parts.spec(), history.latest(), groupEmpty()), Instant.now());
                act(a);
                if (status.getPhase() != null && status.getPhase().ended()) {
                    if (a.restore() || switched().isEmpty()) {
                        break;
                    }
                    if (++looksAfterTheEnd >= LOOKS_AFTER_THE_END) {
                        err.println("sandbox: lesson: ended without giving its switches back; the sandbox does");
                        giveBack();
                        break;
                    }
                }
                notBefore = System.nanoTime() + Math.max(0, a.lookAgain() == null ? 0 : a.lookAgain().toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        } catch (RuntimeException e) {
            problem = "the lesson could not go on: " + e;
            err.println("sandbox: lesson " + lesson.name() + ": " + problem);
            if (status != null) {
                giveBack();
            }
        } finally {
            ended.countDown();
            onEnd.run();
        }
    }

    /** The latest status once there is one the lesson has not seen and the runner's wait is over; null on abort. */
    private History.Entry awaitLook(long seen, long notBefore) throws InterruptedException {
        while (!aborting && System.nanoTime() < notBefore) {
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (notBefore - System.nanoTime()) / 1_000_000)));
        }
        while (!aborting) {
            History.Entry e = history.next(seen, POLL_MILLIS);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private void act(LessonActions a) {
        for (String event : a.events() == null ? List.<String>of() : a.events()) {
            err.println("sandbox: lesson: " + event);
        }
        for (SwitchedField f : a.inForce() == null ? List.<SwitchedField>of() : a.inForce()) {
            set(f.getField(), f.getValue());
        }
        if (a.rewind() != null) {
            rewind(a.rewind());
        }
        if (a.restore()) {
            giveBack();
        }
    }

    /** Gives every switched field back and tells the runner. */
    private void giveBack() {
        for (SwitchedField f : switched()) {
            set(f.getField(), f.getBefore());
        }
        LessonRunner.restored(status, Instant.now());
        List<TimelineEntry> timeline = status.getTimeline();
        err.println("sandbox: lesson: " + (timeline == null || timeline.isEmpty() ? "every switch given back"
                : timeline.get(timeline.size() - 1).getText()));
    }

    private List<SwitchedField> switched() {
        return status.getSwitched() == null ? List.of() : status.getSwitched();
    }

    /** Puts a field's value in force on the running parts, unless it already is. */
    private void set(String field, String value) {
        if (SandboxParts.same(SwitchFields.read(parts.spec(), field), value)) {
            return;
        }
        try {
            parts.apply(field, value);
        } catch (RuntimeException e) {
            err.println("sandbox: lesson: cannot switch " + field + " to " + SwitchFields.text(value) + ": "
                    + e.getMessage());
        }
    }

    private void rewind(int perPartition) {
        try {
            long moved = GroupRewind.rewind(admin, Sandbox.GROUP, Sandbox.TOPIC, perPartition, KAFKA_TIMEOUT);
            err.println("sandbox: lesson: the Workers' group moved back " + perPartition + " per partition: "
                    + moved + " notifications to process again");
            LessonRunner.rewound(status, moved, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            err.println("sandbox: lesson: cannot rewind the Workers' group yet (" + e.getMessage()
                    + "); trying again at the next look");
        }
    }

    /** Whether the Workers' group has no member; null when Kafka does not say. */
    private Boolean groupEmpty() {
        try {
            return GroupRewind.empty(admin, Sandbox.GROUP, KAFKA_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
