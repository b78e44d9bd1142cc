package dev.interactiondemo.operator;

import dev.interactiondemo.operator.api.InteractionDemo;
import dev.interactiondemo.operator.api.InteractionDemoStatus;
import dev.interactiondemo.operator.api.TopicManagement;
import dev.interactiondemo.operator.dependents.DemoSettings;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.GreeterService;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.Names;
import dev.interactiondemo.operator.dependents.StrimziKafkaTopic;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import dev.interactiondemo.operator.kafka.DirectTopics;
import dev.interactiondemo.operator.kafka.KafkaAdmins;
import dev.interactiondemo.operator.kafka.StrimziTopics;
import dev.interactiondemo.operator.kafka.TopicObservation;
import dev.interactiondemo.operator.status.Observation;
import dev.interactiondemo.operator.status.StatusCalculator;
import dev.interactiondemo.probes.GreeterProbe;
import dev.interactiondemo.probes.KafkaReading;
import dev.interactiondemo.probes.MessageCounter;
import dev.interactiondemo.probes.ProbeException;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reconciles an InteractionDemo: the Greeter Deployment and Service, the topic (a Strimzi KafkaTopic, or through
 * Kafka's Admin API), the Host Deployment (once the topic is ready) and the Worker Deployment; then observes them
 * (Deployment availability, the Greeter's gRPC health, message counts from Kafka) and writes the status, again every
 * status interval. Nothing here throws for a broken Kafka or Greeter: the status says what is wrong.
 */
@ControllerConfiguration(name = "interactiondemo")
public class InteractionDemoReconciler implements Reconciler<InteractionDemo>, Cleaner<InteractionDemo> {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionDemoReconciler.class);
    /** How soon to look again while the Host waits for its topic. */
    private static final Duration WAITING_RECHECK = Duration.ofSeconds(2);
    private static final Duration TOPIC_DELETION_GIVE_UP = Duration.ofMinutes(5);

    private final OperatorConfig config;
    private final KafkaAdmins kafka;
    private final GreeterChannels greeters;
    private final Clock clock;

    private final GreeterDeployment greeterDeployment;
    private final GreeterService greeterService;
    private final StrimziKafkaTopic kafkaTopic;
    private final HostDeployment hostDeployment;
    private final WorkerDeployment workerDeployment;
    private final boolean strimziServed;
    private final Workflow<InteractionDemo> workflow;

    /**
     * @param strimziServed whether the cluster serves KafkaTopics in the configured apiVersion (checked at start-up:
     *                      a Strimzi installed later needs an operator restart)
     */
    public InteractionDemoReconciler(OperatorConfig config, KafkaAdmins kafka, GreeterChannels greeters, Clock clock,
                                     boolean strimziServed) {
        this.config = config;
        this.kafka = kafka;
        this.greeters = greeters;
        this.clock = clock;
        this.greeterDeployment = new GreeterDeployment(config);
        this.greeterService = new GreeterService();
        this.kafkaTopic = new StrimziKafkaTopic(config);
        this.hostDeployment = new HostDeployment(config);
        this.workerDeployment = new WorkerDeployment(config);
        this.strimziServed = strimziServed;
        var workflow = new WorkflowBuilder<InteractionDemo>()
                .addDependentResource(greeterDeployment)
                .addDependentResource(greeterService);
        if (strimziServed) {
            workflow.addDependentResourceAndConfigure(kafkaTopic).withActivationCondition(new StrimziTopicActivation(config));
        }
        this.workflow = workflow
                .addDependentResourceAndConfigure(hostDeployment).withReconcilePrecondition(new HostCanStart())
                .addDependentResource(workerDeployment)
                .withThrowExceptionFurther(false)
                .build();
    }

    @Override
    public List<EventSource<?, InteractionDemo>> prepareEventSources(EventSourceContext<InteractionDemo> context) {
        return EventSourceUtils.eventSourcesFromWorkflow(context, workflow);
    }

    @Override
    public UpdateControl<InteractionDemo> reconcile(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings settings = DemoSettings.of(demo, config);
        var result = workflow.reconcile(demo, context);
        Map<String, String> errors = new LinkedHashMap<>();
        result.getErroredDependents().forEach((dependent, e) -> {
            LOG.warn("{} of {}/{} failed: {}", component(dependent), demo.getMetadata().getNamespace(),
                    demo.getMetadata().getName(), e.toString());
            errors.put(component(dependent), rootMessage(e));
        });

        TopicObservation topic = observeTopic(demo, settings, context);
        Optional<Deployment> greeter = greeterDeployment.getSecondaryResource(demo, context);
        GreeterProbe.Health health = greeter.isPresent()
                ? GreeterProbe.check(greeters.channel(demo), Duration.ofSeconds(2)) : null;
        KafkaReading reading = null;
        String kafkaProblem = null;
        try {
            reading = new MessageCounter(kafka.forBootstrap(settings.bootstrapServers()), Duration.ofSeconds(5), clock)
                    .read(settings.topic(), settings.groupId());
        } catch (ProbeException e) {
            kafkaProblem = e.getMessage();
        }
        Optional<Deployment> host = hostDeployment.getSecondaryResource(demo, context);
        InteractionDemoStatus next = StatusCalculator.compute(new Observation(demo, settings, greeter, host,
                workerDeployment.getSecondaryResource(demo, context), topic, health, reading, kafkaProblem, errors,
                clock.instant()));

        Duration again = host.isEmpty() && settings.producerReplicas() > 0 ? WAITING_RECHECK : config.statusInterval();
        InteractionDemoStatus previous = demo.getStatus();
        if (!StatusCalculator.changed(previous, next)) {
            return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(again);
        }
        DemoEvents.recordTransitions(context.getClient(), demo, previous == null ? null : previous.getConditions(),
                next.getConditions());
        demo.setStatus(next);
        return UpdateControl.patchStatus(demo).rescheduleAfter(again);
    }

    private TopicObservation observeTopic(InteractionDemo demo, DemoSettings s, Context<InteractionDemo> context) {
        try {
            return observeTopicOrThrow(demo, s, context);
        } catch (ProbeException e) {
            return TopicObservation.notReady("KafkaUnreachable", e.getMessage());
        }
    }

    private TopicObservation observeTopicOrThrow(InteractionDemo demo, DemoSettings s, Context<InteractionDemo> context) {
        return switch (s.management()) {
            case Direct -> DirectTopics.ensure(kafka.forBootstrap(s.bootstrapServers()), s.topic(), s.partitions(),
                    s.topicReplicas(), s.topicConfig());
            case External -> DirectTopics.check(kafka.forBootstrap(s.bootstrapServers()), s.topic());
            case Strimzi -> strimziServed
                    ? StrimziTopics.observe(kafkaTopic.getSecondaryResource(demo, context).map(StrimziKafkaTopic::typed),
                    s.clusterName(), config.topicReadyTimeout(), clock.instant())
                    : TopicObservation.notReady("StrimziNotInstalled", "this cluster did not serve "
                    + config.kafkaTopicApiVersion() + " KafkaTopic when the operator started: install Strimzi (or "
                    + "set the operator's KAFKA_TOPIC_API_VERSION to the version it serves) and restart the "
                    + "operator, or use topic.management Direct");
        };
    }

    /** A failure the reconcile did not expect ends in the Ready condition, never in a crash loop. */
    @Override
    public ErrorStatusUpdateControl<InteractionDemo> updateErrorStatus(InteractionDemo demo,
                                                                       Context<InteractionDemo> context, Exception e) {
        InteractionDemoStatus status = demo.getStatus() == null ? new InteractionDemoStatus() : demo.getStatus();
        status.setObservedGeneration(demo.getMetadata().getGeneration());
        var conditions = new java.util.ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
        conditions.removeIf(c -> "Ready".equals(c.getType()));
        conditions.add(0, new ConditionBuilder().withType("Ready").withStatus("False").withReason("ReconcileFailed")
                .withMessage(rootMessage(e)).withLastTransitionTime(clock.instant().truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS).toString())
                .withObservedGeneration(demo.getMetadata().getGeneration()).build());
        status.setConditions(conditions);
        demo.setStatus(status);
        DemoEvents.record(context.getClient(), demo, "Warning", "ReconcileFailed", rootMessage(e));
        return ErrorStatusUpdateControl.patchStatus(demo);
    }

    /** Deletes the topic of a Direct-mode demo; KafkaTopics and Deployments go by garbage collection. */
    @Override
    public DeleteControl cleanup(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        greeters.forget(demo);
        if (s.management() != TopicManagement.Direct) {
            return DeleteControl.defaultDelete();
        }
        try {
            DirectTopics.delete(kafka.forBootstrap(s.bootstrapServers()), s.topic());
            LOG.info("Deleted topic {} of {}/{}", s.topic(), demo.getMetadata().getNamespace(), demo.getMetadata().getName());
            return DeleteControl.defaultDelete();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String deleting = demo.getMetadata().getDeletionTimestamp();
            boolean givingUp = deleting != null
                    && Instant.parse(deleting).plus(TOPIC_DELETION_GIVE_UP).isBefore(clock.instant());
            DemoEvents.record(context.getClient(), demo, "Warning", "TopicNotDeleted", "cannot delete topic "
                    + s.topic() + ": " + rootMessage(e) + (givingUp ? "; giving up, delete it by hand" : "; retrying"));
            return givingUp ? DeleteControl.defaultDelete() : DeleteControl.noFinalizerRemoval().rescheduleAfter(10_000);
        }
    }

    private String component(DependentResource<?, ?> dependent) {
        if (dependent == greeterDeployment || dependent == greeterService) {
            return "greeter";
        }
        if (dependent == kafkaTopic) {
            return "topic";
        }
        return dependent == hostDeployment ? "host" : "worker";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
