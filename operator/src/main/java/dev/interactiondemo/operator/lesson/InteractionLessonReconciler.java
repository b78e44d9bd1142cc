package dev.interactiondemo.operator.lesson;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import dev.interactiondemo.api.lesson.LessonPhase;
import dev.interactiondemo.api.lesson.SwitchedField;
import dev.interactiondemo.engine.lesson.DemoLook;
import dev.interactiondemo.engine.lesson.LessonActions;
import dev.interactiondemo.engine.lesson.LessonRunner;
import dev.interactiondemo.operator.DemoEvents;
import dev.interactiondemo.operator.observe.KafkaObservers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs InteractionLessons, one look at a time: the engine's {@link LessonRunner} decides (it is pure, and everything
 * it knows is in the lesson's status, so a lesson goes on after an operator restart); this reconciler does what it
 * asks: switches the demo's fields ({@link DemoSwitcher}), rewinds its Workers' group ({@link LessonRewind}), records
 * the Events and writes the status. One lesson at a time per demo ({@link LessonQueue}). A lesson deleted mid-run gives
 * its switches back first (its finalizer, as a {@link Cleaner}).
 */
@ControllerConfiguration(name = "interactionlesson")
public class InteractionLessonReconciler implements Reconciler<InteractionLesson>, Cleaner<InteractionLesson> {
    /** The primary cache's index of lessons by the demo they name: {@code <namespace>/<demo>}. */
    static final String BY_DEMO = "lessons-by-demo";
    private static final String DEMOS = "lesson-demos";
    /** How often a waiting lesson looks whether the lesson it waits for has ended. */
    static final Duration WAITING_RECHECK = Duration.ofSeconds(5);
    static final String EVENT_REASON = "LessonStep";

    private final Clock clock;
    private final DemoEvents events;
    private final LessonRewind rewind;
    private final LessonMetrics metrics;
    private volatile InformerEventSource<InteractionDemo, InteractionLesson> demos;

    /**
     * @param kafka    the operator's Kafka observers: a rewind uses the Admin client of the demo's cluster
     * @param registry where {@code interactiondemo_lesson_verdicts_total} is counted
     */
    public InteractionLessonReconciler(KafkaObservers kafka, MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.events = new DemoEvents(clock);
        this.rewind = new LessonRewind(kafka);
        this.metrics = new LessonMetrics(registry);
    }

    /** The demos, each mapped to the lessons of its namespace that name it: a demo's change wakes its lessons. */
    @Override
    public List<EventSource<?, InteractionLesson>> prepareEventSources(EventSourceContext<InteractionLesson> context) {
        context.getPrimaryCache().addIndexer(BY_DEMO, l -> l.getSpec() == null || l.getSpec().getDemo() == null
                ? List.of() : List.of(key(l.getMetadata().getNamespace(), l.getSpec().getDemo())));
        demos = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(InteractionDemo.class, InteractionLesson.class)
                .withName(DEMOS)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(demo -> context.getPrimaryCache().byIndex(BY_DEMO,
                                key(demo.getMetadata().getNamespace(), demo.getMetadata().getName())).stream()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        return List.of(demos);
    }

    @Override
    public UpdateControl<InteractionLesson> reconcile(InteractionLesson lesson, Context<InteractionLesson> context) {
        Instant now = clock.instant();
        InteractionLessonSpec spec = lesson.getSpec();
        InteractionLessonStatus before = lesson.getStatus();
        InteractionLessonStatus status = before == null ? LessonRunner.initial(spec)
                : LessonStatusWriter.copy(before);
        status.setObservedGeneration(lesson.getMetadata().getGeneration());

        Optional<InteractionLesson> first = LessonQueue.waitsFor(lesson, context.getPrimaryCache().byIndex(BY_DEMO,
                key(lesson.getMetadata().getNamespace(), spec.getDemo())));
        if (first.isPresent()) {
            LessonRunner.waiting(status, "waits for lesson " + first.get().getMetadata().getName() + " on demo "
                    + spec.getDemo(), now);
            LessonStatusWriter.write(lesson, status, context);
            return UpdateControl.<InteractionLesson>noUpdate().rescheduleAfter(WAITING_RECHECK);
        }

        InteractionDemo demo = demo(lesson).orElse(null);
        String name = lesson.getMetadata().getName();
        if (demo != null && LessonQueue.wantsToStart(lesson) && !DemoClaim.take(context.getClient(), demo, name,
                holder -> active(context, lesson.getMetadata().getNamespace(), holder))) {
            LessonRunner.waiting(status, "waits for lesson " + DemoClaim.holder(demo).orElse("another") + " on demo "
                    + spec.getDemo(), now);
            LessonStatusWriter.write(lesson, status, context);
            return UpdateControl.<InteractionLesson>noUpdate().rescheduleAfter(WAITING_RECHECK);
        }
        DemoLook look = demo == null ? null : new DemoLook(demo.getSpec(), demo.getStatus(), null);
        LessonActions actions = LessonRunner.look(spec, status, look, now);
        DemoSwitcher switcher = new DemoSwitcher(context.getClient());
        if (demo != null && actions.inForce() != null && !actions.inForce().isEmpty()) {
            switcher.enforce(lesson, demo, actions.inForce());
        }
        if (actions.rewind() != null && demo != null) {
            rewind.rewind(demo, actions.rewind()).ifPresent(moved -> LessonRunner.rewound(status, moved, now));
        }
        if (actions.restore()) {
            if (demo != null && hasSwitches(status.getSwitched())) {
                switcher.restore(lesson, demo, status.getSwitched());
            }
            LessonRunner.restored(status, now);
        }
        if (demo != null && status.getPhase() != null && status.getPhase().ended() && !hasSwitches(status.getSwitched())) {
            DemoClaim.release(context.getClient(), demo, name);
        }

        if (!LessonStatusWriter.write(lesson, status, context)) {
            return UpdateControl.noUpdate(); // the lesson was deleted: its cleanup gives back what it switched
        }
        // Only now that the status says so: the Events tell what a reader can see in it.
        KubernetesClient client = context.getClient();
        for (String line : actions.events() == null ? List.<String>of() : actions.events()) {
            events.recordEach(client, lesson, actions.failed() ? "Warning" : "Normal", EVENT_REASON, line);
        }
        LessonPhase was = before == null ? null : before.getPhase();
        if (was == LessonPhase.Running && status.getPhase() != null && status.getPhase().ended()) {
            metrics.ended(status.getLesson(), status.getPhase().name());
        }
        UpdateControl<InteractionLesson> control = UpdateControl.noUpdate();
        return actions.lookAgain() == null ? control : control.rescheduleAfter(actions.lookAgain());
    }

    /**
     * A lesson deleted: what it switched goes back to the demo (if the demo is still there), then the finalizer goes.
     */
    @Override
    public DeleteControl cleanup(InteractionLesson lesson, Context<InteractionLesson> context) {
        InteractionLessonStatus status = lesson.getStatus();
        if (status != null && hasSwitches(status.getSwitched())) {
            demo(lesson).ifPresent(demo -> new DemoSwitcher(context.getClient()).restore(lesson, demo,
                    status.getSwitched()));
        }
        demo(lesson).ifPresent(demo -> DemoClaim.release(context.getClient(), demo, lesson.getMetadata().getName()));
        return DeleteControl.defaultDelete();
    }

    /** The lesson's demo as the informer has it, or empty when it does not exist. */
    private Optional<InteractionDemo> demo(InteractionLesson lesson) {
        if (lesson.getSpec() == null || lesson.getSpec().getDemo() == null) {
            return Optional.empty();
        }
        return demos.get(new ResourceID(lesson.getSpec().getDemo(), lesson.getMetadata().getNamespace()));
    }

    /** Whether the lesson of this name, which holds a demo, still runs (or is about to): it keeps the demo. */
    private static boolean active(Context<InteractionLesson> context, String namespace, String holder) {
        return context.getPrimaryCache().get(new ResourceID(holder, namespace)).map(l -> l.getStatus() == null
                || l.getStatus().getPhase() == null || !l.getStatus().getPhase().ended()
                || hasSwitches(l.getStatus().getSwitched())).orElse(false);
    }

    private static boolean hasSwitches(List<SwitchedField> switched) {
        return switched != null && !switched.isEmpty();
    }

    static String key(String namespace, String demo) {
        return namespace + "/" + demo;
    }
}
