package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.engine.StatusCalculator;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.dependents.BootstrapAllowed;
import dev.interactiondemo.operator.dependents.DirectTopic;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.GreeterService;
import dev.interactiondemo.operator.dependents.HostCanStart;
import dev.interactiondemo.operator.dependents.HostCutOn;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.HostKafkaCut;
import dev.interactiondemo.operator.dependents.Labels;
import dev.interactiondemo.operator.dependents.StrimziKafkaTopic;
import dev.interactiondemo.operator.dependents.StrimziKafkaUser;
import dev.interactiondemo.operator.dependents.WantsKafkaTopic;
import dev.interactiondemo.operator.dependents.WantsKafkaUser;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import dev.interactiondemo.operator.kafka.DemoKafka;
import dev.interactiondemo.operator.observe.Observers;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reconciles an InteractionDemo in phases, as the Flink operator's controller does: the workflow creates and updates
 * the dependents (the Greeter's Deployment and Service, the topic's KafkaTopic, the KafkaUser, the Host's and the
 * Worker's Deployments, the Host's Kafka cut); {@link DemoObserver} assembles one observation from the observers'
 * latest readings, the dependents and the pods; {@link StatusCalculator} computes the status, a pure function; and
 * {@link StatusWriter} writes it when it says something new. Nothing here throws for a broken Kafka or Greeter: the
 * status says what is wrong.
 * <p>
 * The reconciler sees every event, deletions included ({@code triggerReconcilerOnAllEvents}), and keeps its own
 * finalizer only where it has something to clean up: the topic of a Direct-mode demo.
 */
@ControllerConfiguration(name = "interactiondemo", triggerReconcilerOnAllEvents = true)
public class InteractionDemoReconciler implements Reconciler<InteractionDemo> {
    /** The finalizer of Direct-mode demos: their topic is deleted with them. */
    public static final String FINALIZER = "interactiondemos.interactiondemo.dev/finalizer";
    private static final String DEMO_PODS = "demo-pods";
    /** How soon to look again while the Host waits for its topic. */
    private static final Duration WAITING_RECHECK = Duration.ofSeconds(2);
    /** How soon to reconcile again once the intent to create a Direct topic is recorded. */
    private static final Duration CREATE_NOW = Duration.ofMillis(1);
    /** How soon to try again to delete a Direct topic that could not be deleted. */
    private static final Duration DELETION_RETRY = Duration.ofSeconds(10);

    private final OperatorConfig config;
    private final Observers observers;
    private final Clock clock;
    private final DemoEvents events;
    private final DemoObserver observer;
    private final DependentErrors dependentErrors;
    private final StatusWriter writer;
    private final DirectTopic directTopic;
    /** The demos the operator holds something for (observers, meters, channels), as last reconciled. */
    private final Map<ResourceID, InteractionDemo> known = new ConcurrentHashMap<>();
    private final Workflow<InteractionDemo> workflow;

    /**
     * @param strimzi which Strimzi resources the cluster serves in the configured apiVersion (when that changes,
     *                {@link StrimziAwareOperator} builds the controller again)
     */
    public InteractionDemoReconciler(OperatorConfig config, Observers observers, GreeterChannels greeters,
                                     DemoMetrics metrics, DemoStatuses statuses, Clock clock, StrimziApis strimzi) {
        this.config = config;
        this.observers = observers;
        this.clock = clock;
        this.events = new DemoEvents(clock);
        GreeterDeployment greeterDeployment = new GreeterDeployment(config);
        GreeterService greeterService = new GreeterService();
        StrimziKafkaTopic kafkaTopic = new StrimziKafkaTopic(config);
        StrimziKafkaUser kafkaUser = new StrimziKafkaUser(config);
        HostDeployment hostDeployment = new HostDeployment(config);
        WorkerDeployment workerDeployment = new WorkerDeployment(config);
        HostKafkaCut hostKafkaCut = new HostKafkaCut();
        DemoKafka demoKafka = new DemoKafka(clock);
        this.directTopic = new DirectTopic(config, observers.kafka(), demoKafka, events::record, clock);
        this.observer = new DemoObserver(config, observers, greeters, strimzi, clock, new DemoObserver.Dependents(
                greeterDeployment, hostDeployment, workerDeployment, kafkaTopic, kafkaUser), demoKafka);
        this.dependentErrors = new DependentErrors(new DependentErrors.Dependents(greeterDeployment, greeterService,
                kafkaTopic, directTopic, kafkaUser, hostDeployment, workerDeployment, hostKafkaCut),
                config.strimziApiVersion());
        this.writer = new StatusWriter(metrics, statuses, events, clock);
        BootstrapAllowed allowed = new BootstrapAllowed(config.allowedBootstrapServers());
        var workflow = new WorkflowBuilder<InteractionDemo>()
                .addDependentResource(greeterDeployment)
                .addDependentResource(greeterService);
        if (strimzi.topics()) {
            workflow.addDependentResourceAndConfigure(kafkaTopic).withReconcilePrecondition(new WantsKafkaTopic(config));
        }
        workflow.addDependentResource(directTopic);
        if (strimzi.users()) {
            workflow.addDependentResourceAndConfigure(kafkaUser).withReconcilePrecondition(new WantsKafkaUser());
        }
        this.workflow = workflow
                .addDependentResourceAndConfigure(hostDeployment).dependsOn(directTopic)
                .withReconcilePrecondition(new HostCanStart(allowed, observer::topicReadyNow))
                .addDependentResourceAndConfigure(workerDeployment).withReconcilePrecondition(allowed)
                .addDependentResourceAndConfigure(hostKafkaCut).withReconcilePrecondition(new HostCutOn())
                .withThrowExceptionFurther(false)
                .build();
    }

    @Override
    public List<EventSource<?, InteractionDemo>> prepareEventSources(EventSourceContext<InteractionDemo> context) {
        // The observers' findings reach the reconciler as events: a reconcile never waits for Kafka or a Greeter.
        SimpleInboundEventSource<InteractionDemo> observations = new SimpleInboundEventSource<>("observations");
        observers.kafka().onChange(observations::propagateEvent);
        observers.greeters().onChange(observations::propagateEvent);
        observers.pods().onChange(observations::propagateEvent);
        List<EventSource<?, InteractionDemo>> sources = new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(
                context, workflow));
        sources.add(observations);
        sources.add(demoPods(context));
        sources.add(new Sweeper(config.statusInterval(), context.getPrimaryCache(), known, this::forget));
        return sources;
    }

    /**
     * The demo's pods: the Hosts' and Workers' /metrics tell the Greeter as the Hosts see it and the Workers' delivery
     * audit; every part's pods say why they do not run (the scheduler's and the kubelet's words). Pods belong to
     * ReplicaSets, not to the demo: they map to it by their instance label. Only the operator's pods are cached.
     */
    private static InformerEventSource<Pod, InteractionDemo> demoPods(EventSourceContext<InteractionDemo> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, InteractionDemo.class)
                .withName(DEMO_PODS)
                .withNamespacesInheritedFromController()
                .withLabelSelector(Labels.podsOf(GreeterDeployment.COMPONENT, HostDeployment.COMPONENT,
                        WorkerDeployment.COMPONENT))
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(Labels.instance(pod),
                        pod.getMetadata().getNamespace())))
                .build(), context);
    }

    /** Reconcile, observe, compute, write: the phases in their order. */
    @Override
    public UpdateControl<InteractionDemo> reconcile(InteractionDemo demo, Context<InteractionDemo> context) {
        if (context.isPrimaryResourceDeleted()) {
            forget(demo);
            return UpdateControl.noUpdate();
        }
        if (demo.isMarkedForDeletion()) {
            return delete(demo, context);
        }
        known.put(ResourceID.fromResource(demo), demo);
        DemoSettings settings = DemoSettings.of(demo, config);
        InteractionDemo current = withFinalizerIfNeeded(demo, settings, context);

        var errors = dependentErrors.of(workflow.reconcile(current, context), current, context);
        DemoObserver.Result seen = observer.observe(current, settings, errors, context);
        InteractionDemoStatus next = StatusCalculator.compute(seen.observation());
        StatusWriter.Decision written = writer.write(current, next, seen.firstLookUnderWay(), seen.countsDue(),
                context);

        if (written.outcome() == StatusWriter.Outcome.DEMO_GONE) {
            forget(current);
            return UpdateControl.noUpdate();
        }
        Duration again = seen.hostWaits() ? WAITING_RECHECK : config.statusInterval();
        if (written.outcome() == StatusWriter.Outcome.WRITTEN && DemoKafka.createRequested(current, settings)
                && current.getStatus().getTopic().getTopicId() == null) {
            again = CREATE_NOW; // the intent to create the topic is recorded: its dependent may create it
        }
        if (written.retryIn() != null && written.retryIn().compareTo(again) < 0) {
            again = written.retryIn();
        }
        return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(again);
    }

    /** A failure the reconcile did not expect ends in the Ready condition, never in a crash loop. */
    @Override
    public ErrorStatusUpdateControl<InteractionDemo> updateErrorStatus(InteractionDemo demo,
                                                                       Context<InteractionDemo> context, Exception e) {
        if (demo.isMarkedForDeletion() || context.isPrimaryResourceDeleted()) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        InteractionDemoStatus status = demo.getStatus() == null ? new InteractionDemoStatus() : demo.getStatus();
        status.setObservedGeneration(demo.getMetadata().getGeneration());
        var conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
        conditions.removeIf(c -> "Ready".equals(c.getType()));
        String message = DependentErrors.rootMessage(e);
        conditions.add(0, new ConditionBuilder().withType("Ready").withStatus("False").withReason("ReconcileFailed")
                .withMessage(message).withLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS)
                        .toString())
                .withObservedGeneration(demo.getMetadata().getGeneration()).build());
        status.setConditions(conditions);
        demo.setStatus(status);
        events.record(context.getClient(), demo, "Warning", "ReconcileFailed", message);
        return ErrorStatusUpdateControl.patchStatus(demo);
    }

    /**
     * A demo being deleted: a Direct-mode demo's topic goes first, if it is the one the demo created; Deployments,
     * the Service and a KafkaTopic go by garbage collection.
     */
    private UpdateControl<InteractionDemo> delete(InteractionDemo demo, Context<InteractionDemo> context) {
        if (!demo.hasFinalizer(FINALIZER)) {
            return UpdateControl.noUpdate();
        }
        if (workflow.cleanup(demo, context).erroredDependentsExist()) {
            return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(DELETION_RETRY);
        }
        PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
        return UpdateControl.noUpdate();
    }

    /**
     * Only Direct-mode demos carry the finalizer (their topic is deleted with them): every other demo goes by garbage
     * collection alone, so deleting its namespace never waits for the operator.
     */
    private static InteractionDemo withFinalizerIfNeeded(InteractionDemo demo, DemoSettings settings,
                                                         Context<InteractionDemo> context) {
        if (settings.management() == TopicManagement.Direct && !demo.hasFinalizer(FINALIZER)) {
            return PrimaryUpdateAndCacheUtils.addFinalizer(context, FINALIZER);
        }
        return demo;
    }

    /** The demo is gone: what the operator kept in memory for it goes too. */
    private void forget(InteractionDemo demo) {
        known.remove(ResourceID.fromResource(demo));
        observer.forget(demo);
        writer.forget(demo);
    }
}
