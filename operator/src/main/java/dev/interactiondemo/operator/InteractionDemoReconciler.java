package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.api.status.TopicStatus;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.operator.dependents.DemoSettings;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.GreeterService;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.HostKafkaCut;
import dev.interactiondemo.operator.dependents.Labels;
import dev.interactiondemo.operator.dependents.StrimziKafkaTopic;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import dev.interactiondemo.api.status.Conditions;
import dev.interactiondemo.kafka.KafkaFailures;
import dev.interactiondemo.operator.dependents.StrimziKafkaUser;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import dev.interactiondemo.operator.kafka.KafkaCredentials;
import dev.interactiondemo.operator.kafka.StrimziUsers;
import dev.interactiondemo.operator.kafka.StrimziTopics;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.operator.kafka.StrimziWaits;
import dev.interactiondemo.operator.observe.GreeterHealth;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.operator.observe.KafkaObservation;
import dev.interactiondemo.operator.observe.KafkaObservers;
import dev.interactiondemo.operator.observe.KafkaTarget;
import dev.interactiondemo.operator.observe.Observers;
import dev.interactiondemo.operator.observe.PodFigures;
import dev.interactiondemo.operator.observe.PodMetrics;
import dev.interactiondemo.operator.status.DependentFailure;
import dev.interactiondemo.operator.status.Observation;
import dev.interactiondemo.operator.status.StatusCalculator;
import dev.interactiondemo.operator.status.StatusDiff;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Reconciles an InteractionDemo: the Greeter Deployment and Service, the topic (a Strimzi KafkaTopic, or through
 * Kafka's Admin API), the Host Deployment (once the topic is ready) and the Worker Deployment; then observes them
 * (Deployment availability, the Greeter's gRPC health, message counts from Kafka) and writes the status, again every
 * status interval. Nothing here throws for a broken Kafka or Greeter: the status says what is wrong.
 * <p>
 * The reconciler sees every event, deletions included ({@code triggerReconcilerOnAllEvents}), and keeps its own
 * finalizer only where it has something to clean up: the topic of a Direct-mode demo. Every other demo goes by
 * garbage collection alone, so deleting its namespace never waits for the operator.
 */
@ControllerConfiguration(name = "interactiondemo", triggerReconcilerOnAllEvents = true)
public class InteractionDemoReconciler implements Reconciler<InteractionDemo> {
    /** The finalizer of Direct-mode demos (the name java-operator-sdk gave it on every demo before). */
    public static final String FINALIZER = "interactiondemos.interactiondemo.dev/finalizer";
    private static final String NOTIFIER_PODS = "notifier-pods";
    /** The topic's reason until the demo's Kafka observer has looked once. */
    static final String OBSERVING = "Observing";
    private static final Logger LOG = LoggerFactory.getLogger(InteractionDemoReconciler.class);
    /** How soon to look again while the Host waits for its topic. */
    private static final Duration WAITING_RECHECK = Duration.ofSeconds(2);
    /**
     * How long a new demo's first status may wait for the first look at its Kafka: the observer's address check has a
     * deadline of 3 s, and while hundreds of demos arrive at once the first look at each comes a few seconds late.
     */
    static final Duration FIRST_LOOK_WAIT = Duration.ofSeconds(5);
    /**
     * The least time between two status writes of a demo: what changes within it (a health check's answer, a
     * Deployment created, a reading) is written together, so a new demo costs a few writes, not one per event.
     */
    static final Duration WRITE_SPACING = Duration.ofMillis(500);
    /** How long after the deletion request a topic that cannot be deleted is given up on. */
    static final Duration TOPIC_DELETION_GIVE_UP = Duration.ofMinutes(2);
    private static final Duration TOPIC_DELETION_RETRY = Duration.ofSeconds(10);
    private static final int HTTP_CONFLICT = 409;
    private static final int HTTP_NOT_FOUND = 404;

    private final OperatorConfig config;
    private final KafkaObservers kafka;
    private final GreeterHealth greeterHealth;
    private final PodMetrics podMetrics;
    private final GreeterChannels greeters;
    private final DemoMetrics metrics;
    private final DemoStatuses statuses;
    private final Clock clock;
    private final DemoEvents events;
    private final StrimziWaits topicWaits = new StrimziWaits();
    /** Ids of the topics created for demos (by uid), in case the status that records one could not be written. */
    private final Map<String, String> createdTopics = new ConcurrentHashMap<>();
    /** When each demo's status was last written. */
    private final Map<ResourceID, Instant> lastWrites = new ConcurrentHashMap<>();
    /** When this operator first looked at each demo that has no status yet: its first look is under way since. */
    private final Map<ResourceID, Instant> firstLooks = new ConcurrentHashMap<>();
    /** The demos the operator holds something for (observers, meters, channels), as last reconciled. */
    private final Map<ResourceID, InteractionDemo> known = new ConcurrentHashMap<>();

    private final GreeterDeployment greeterDeployment;
    private final GreeterService greeterService;
    private final StrimziKafkaTopic kafkaTopic;
    private final HostDeployment hostDeployment;
    private final WorkerDeployment workerDeployment;
    private final HostKafkaCut hostKafkaCut;
    private final StrimziKafkaUser kafkaUser;
    private final StrimziApis strimzi;
    private final StrimziWaits userWaits = new StrimziWaits();
    /** Reads the Secrets a demo names for Kafka; made with the first reconcile's client. */
    private volatile KafkaCredentials credentials;
    private final Workflow<InteractionDemo> workflow;

    /**
     * @param strimzi which Strimzi resources the cluster serves in the configured apiVersion (when that changes,
     *                {@link StrimziAwareOperator} builds the controller again)
     */
    public InteractionDemoReconciler(OperatorConfig config, Observers observers, GreeterChannels greeters,
                                     DemoMetrics metrics, DemoStatuses statuses, Clock clock, StrimziApis strimzi) {
        this.config = config;
        this.kafka = observers.kafka();
        this.greeterHealth = observers.greeters();
        this.podMetrics = observers.pods();
        this.greeters = greeters;
        this.metrics = metrics;
        this.statuses = statuses;
        this.clock = clock;
        this.events = new DemoEvents(clock);
        this.greeterDeployment = new GreeterDeployment(config);
        this.greeterService = new GreeterService();
        this.kafkaTopic = new StrimziKafkaTopic(config);
        this.hostDeployment = new HostDeployment(config);
        this.workerDeployment = new WorkerDeployment(config);
        this.hostKafkaCut = new HostKafkaCut();
        this.kafkaUser = new StrimziKafkaUser(config);
        this.strimzi = strimzi;
        BootstrapAllowed allowed = new BootstrapAllowed(config.allowedBootstrapServers());
        var workflow = new WorkflowBuilder<InteractionDemo>()
                .addDependentResource(greeterDeployment)
                .addDependentResource(greeterService);
        if (strimzi.topics()) {
            workflow.addDependentResourceAndConfigure(kafkaTopic).withReconcilePrecondition(new WantsKafkaTopic(config));
        }
        if (strimzi.users()) {
            workflow.addDependentResourceAndConfigure(kafkaUser).withReconcilePrecondition(new WantsKafkaUser());
        }
        this.workflow = workflow
                .addDependentResourceAndConfigure(hostDeployment).withReconcilePrecondition(new HostCanStart(allowed,
                        this::topicReadyNow))
                .addDependentResourceAndConfigure(workerDeployment).withReconcilePrecondition(allowed)
                .addDependentResourceAndConfigure(hostKafkaCut).withReconcilePrecondition(new HostCutOn())
                .withThrowExceptionFurther(false)
                .build();
    }

    @Override
    public List<EventSource<?, InteractionDemo>> prepareEventSources(EventSourceContext<InteractionDemo> context) {
        // The observers' findings reach the reconciler as events: a reconcile never waits for Kafka or a Greeter.
        SimpleInboundEventSource<InteractionDemo> observations = new SimpleInboundEventSource<>("observations");
        kafka.onChange(observations::propagateEvent);
        greeterHealth.onChange(observations::propagateEvent);
        podMetrics.onChange(observations::propagateEvent);
        List<EventSource<?, InteractionDemo>> sources = new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(
                context, workflow));
        sources.add(observations);
        sources.add(notifierPods(context));
        sources.add(new Sweeper(config.statusInterval(), context.getPrimaryCache(), known, this::forget));
        return sources;
    }

    /**
     * The Hosts' and Workers' pods, whose /metrics tell the Greeter as the Hosts see it and the Workers' delivery
     * audit. Pods belong to ReplicaSets, not to the demo: they map to it by their instance label.
     */
    private static InformerEventSource<Pod, InteractionDemo> notifierPods(EventSourceContext<InteractionDemo> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, InteractionDemo.class)
                .withName(NOTIFIER_PODS)
                .withNamespacesInheritedFromController()
                .withLabelSelector(Labels.podsOf(HostDeployment.COMPONENT, WorkerDeployment.COMPONENT))
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(Labels.instance(pod),
                        pod.getMetadata().getNamespace())))
                .build(), context);
    }

    @Override
    public UpdateControl<InteractionDemo> reconcile(InteractionDemo demo, Context<InteractionDemo> context) {
        if (context.isPrimaryResourceDeleted()) {
            forget(demo);
            return UpdateControl.noUpdate();
        }
        if (demo.isMarkedForDeletion()) {
            return cleanup(demo, context);
        }
        known.put(ResourceID.fromResource(demo), demo);
        DemoSettings settings = DemoSettings.of(demo, config);
        InteractionDemo current = keepFinalizerOnlyIfNeeded(demo, settings, context);
        var result = workflow.reconcile(current, context);
        Map<String, DependentFailure> errors = new LinkedHashMap<>();
        result.getErroredDependents().forEach((dependent, e) -> {
            DependentFailure failure = failure(dependent, e, current, context);
            if (failure == null) {
                return;
            }
            LOG.warn("{} of {}: {}", component(dependent), Names.key(current), failure.message());
            errors.put(component(dependent), failure);
        });

        ResourceID id = ResourceID.fromResource(current);
        Optional<String> refused = config.allowedBootstrapServers().refused(settings.bootstrapServers());
        DemoKafkaAccess access = DemoKafkaAccess.of(current);
        Condition user = userCondition(current, access, settings, context);
        KafkaCredentials.Result security = refused.isPresent() ? null
                : credentials(context).resolve(current.getMetadata().getNamespace(), access);
        TopicObservation topic;
        KafkaReading reading = null;
        String kafkaProblem;
        String kafkaProblemReason = null;
        Optional<KafkaObservation> consumers = Optional.empty();
        boolean firstLookUnderWay = false;
        if (refused.isPresent()) {
            kafka.forget(id);
            topic = TopicObservation.notReady("BootstrapNotAllowed", "bootstrap address " + refused.get()
                    + " is not allowed by this operator (allowed: " + config.allowedBootstrapServers() + "); "
                    + "ask the cluster's administrators which Kafka to use");
            kafkaProblem = "the bootstrap address is not allowed";
        } else if (security instanceof KafkaCredentials.Failed failed) {
            kafka.forget(id);
            String message = "the credentials for Kafka cannot be used: " + failed.message();
            topic = settings.management() == TopicManagement.Strimzi ? observeKafkaTopic(current, settings, context)
                    : TopicObservation.notReady(failed.reason(), message);
            kafkaProblem = message;
            kafkaProblemReason = failed.reason();
        } else {
            KafkaConnection connection = new KafkaConnection(settings.bootstrapServers(),
                    ((KafkaCredentials.Resolved) security).security());
            // The last observation of the demo's Kafka cluster; its observer reads it again every status interval.
            TopicObservation strimzi = settings.management() == TopicManagement.Strimzi
                    ? observeKafkaTopic(current, settings, context) : null;
            Optional<KafkaObservation> observed = kafka.observe(id, connection, target(current,
                    settings, strimzi != null && strimzi.ready(), createRequested(current)));
            firstLookUnderWay = strimzi == null && observed.isEmpty();
            topic = strimzi != null ? strimzi : observed.map(KafkaObservation::topic).orElseGet(() ->
                    TopicObservation.notReady(OBSERVING, "the first look at Kafka at " + settings.bootstrapServers()
                            + " is under way"));
            if (topic.topicId() != null && !topic.topicId().equals(ownedTopicId(current))) {
                createdTopics.put(current.getMetadata().getUid(), topic.topicId());
                LOG.info("Topic {} of {} has id {}", settings.topic(), Names.key(current), topic.topicId());
            }
            // Counts are read only from a topic that is the demo's own and ready: never another tenant's.
            reading = topic.ready() ? observed.map(KafkaObservation::reading).orElse(null) : null;
            consumers = topic.ready() ? observed : Optional.empty();
            kafkaProblem = !topic.ready() ? "the topic is not ready (" + topic.reason() + ")"
                    : observed.map(KafkaObservation::problem).orElse(observed.isEmpty() ? "no reading yet" : null);
            // The demo's security settings refused (its login, its certificate, an ACL): MessagesFlowing says so.
            kafkaProblemReason = Stream.of(observed.map(KafkaObservation::problemReason).orElse(null),
                    topic.ready() ? null : topic.reason()).filter(KafkaFailures::isSecurityFailure).findFirst()
                    .orElse(null);
            if (kafkaProblemReason != null && !topic.ready() && strimzi != null) {
                // Strimzi mode: the KafkaTopic may be waiting, the reason is the observer's
                kafkaProblem = observed.map(KafkaObservation::problem).orElse(kafkaProblem);
            }
        }
        Optional<Deployment> greeter = greeterDeployment.getSecondaryResource(current, context);
        GreeterHealthCheck.Health health = greeter.isPresent()
                ? greeterHealth.latest(id, greeters.channel(current)).orElse(null) : null;
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        PodFigures figures = podMetrics.latest(id, component(pods, HostDeployment.COMPONENT),
                component(pods, WorkerDeployment.COMPONENT)).orElse(null);
        Optional<Deployment> host = hostDeployment.getSecondaryResource(current, context);
        InteractionDemoStatus next = StatusCalculator.compute(new Observation(current, settings, greeter, host,
                workerDeployment.getSecondaryResource(current, context), topic, health, reading, kafkaProblem, errors,
                clock.instant(), consumers.map(KafkaObservation::members).orElse(null),
                consumers.map(KafkaObservation::partitions).orElse(null), figures, kafkaProblemReason, user));

        boolean hostWaits = host.isEmpty() && settings.hostReplicas() > 0 && refused.isEmpty();
        Duration again = hostWaits ? WAITING_RECHECK : config.statusInterval();
        InteractionDemoStatus previous = current.getStatus();
        metrics.record(current, next);
        statuses.record(current, next);
        if (!StatusCalculator.changed(previous, next)) {
            return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(again);
        }
        firstLookUnderWay |= greeter.isPresent() && settings.greeterReplicas() > 0 && health == null;
        Duration firstLookWait = previous == null && firstLookUnderWay ? firstLookWait(id) : Duration.ZERO;
        if (!firstLookWait.isZero()) {
            // A new demo's first status waits (a moment) for the first look at its Kafka and the Greeter's first
            // health answer, which report at once: one status write that says where the topic and the Greeter stand,
            // not one that says "observing" followed by them.
            return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(firstLookWait);
        }
        Duration spacing = writeSpacingLeft(id);
        if (!spacing.isZero()) {
            // Written a moment ago: the changes of the next moment go together in one write.
            return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(spacing);
        }
        lastWrites.put(id, clock.instant());
        firstLooks.remove(id);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Writing the status of {}: {}", Names.key(current), StatusDiff.describe(previous, next));
        }
        try {
            writeStatus(current, next, context);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.info("{} was deleted while its status was being written", Names.key(current));
            forget(current);
            return UpdateControl.noUpdate();
        }
        if (security instanceof KafkaCredentials.Resolved resolved && settings.management() == TopicManagement.Direct
                && createRequested(current)) {
            // The intent to create the topic is now recorded: the observer may create it at once.
            kafka.observe(id, new KafkaConnection(settings.bootstrapServers(), resolved.security()),
                    target(current, settings, false, true));
        }
        // Only now that the status says so: the Events tell of transitions a reader can see in the status.
        events.recordTransitions(context.getClient(), current, previous == null ? null : previous.getConditions(),
                next.getConditions());
        return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(again);
    }

    /** How long until the demo's status may be written again; zero when now. */
    private Duration writeSpacingLeft(ResourceID id) {
        Instant last = lastWrites.get(id);
        return last == null ? Duration.ZERO : until(last.plus(WRITE_SPACING));
    }

    /**
     * How much longer a new demo's first status may wait for the first look at Kafka; zero when no longer. Counted from
     * this operator's first reconcile of the demo, not from its creation: while hundreds of demos arrive at once, the
     * last ones' first reconciles come more than the wait after their creation.
     */
    private Duration firstLookWait(ResourceID id) {
        return until(firstLooks.computeIfAbsent(id, k -> clock.instant()).plus(FIRST_LOOK_WAIT));
    }

    /** The time left until {@code deadline} (a millisecond more, so a reconcile then finds it passed); zero after it. */
    private Duration until(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ZERO : left.plusMillis(1);
    }

    /** Patches the status (server-side apply, as the operator's field manager) and caches the result. */
    private static void writeStatus(InteractionDemo demo, InteractionDemoStatus status, Context<InteractionDemo> context) {
        InteractionDemo patch = new InteractionDemo();
        patch.setMetadata(new ObjectMetaBuilder().withName(demo.getMetadata().getName())
                .withNamespace(demo.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(demo, patch, context);
        demo.setStatus(status);
    }

    /**
     * Direct-mode demos carry the finalizer (their topic is deleted with them); others do not, and lose the one
     * earlier versions of the operator put on every demo.
     */
    private InteractionDemo keepFinalizerOnlyIfNeeded(InteractionDemo demo, DemoSettings settings,
                                                      Context<InteractionDemo> context) {
        boolean needed = settings.management() == TopicManagement.Direct;
        if (needed && !demo.hasFinalizer(FINALIZER)) {
            return PrimaryUpdateAndCacheUtils.addFinalizer(context, FINALIZER);
        }
        if (!needed && demo.hasFinalizer(FINALIZER)) {
            return PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
        }
        return demo;
    }

    private TopicObservation observeKafkaTopic(InteractionDemo demo, DemoSettings s, Context<InteractionDemo> context) {
        if (!strimzi.topics()) {
            return TopicObservation.notReady("StrimziNotInstalled", "this cluster does not serve "
                    + config.strimziApiVersion() + " KafkaTopic: install Strimzi (the operator picks it up within "
                    + StrimziAwareOperator.CHECK_EVERY.toSeconds() + " s; if Strimzi serves another version, set "
                    + "the operator's STRIMZI_API_VERSION to it), or use topic.management Direct");
        }
        var topic = kafkaTopic.getSecondaryResource(demo, context).map(StrimziKafkaTopic::typed);
        Instant now = clock.instant();
        Instant since = topic.map(t -> topicWaits.since(Names.key(demo), t.getMetadata(), now)).orElse(now);
        return StrimziTopics.observe(topic, s.clusterName(), config.topicReadyTimeout(), since, now);
    }

    /**
     * Whether the demo's topic is ready as the operator sees it now (its KafkaTopic, or the latest look at Kafka), so
     * that the Host starts in the reconcile that sees it, not one status later.
     */
    private boolean topicReadyNow(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        if (s.management() == TopicManagement.Strimzi) {
            return observeKafkaTopic(demo, s, context).ready();
        }
        return kafka.latest(ResourceID.fromResource(demo)).map(o -> o.topic() != null && o.topic().ready())
                .orElse(false);
    }

    private KafkaCredentials credentials(Context<InteractionDemo> context) {
        KafkaCredentials c = credentials;
        if (c == null) {
            synchronized (this) {
                if (credentials == null) {
                    credentials = new KafkaCredentials(context.getClient(), clock);
                }
                c = credentials;
            }
        }
        return c;
    }

    /**
     * UserReady for a demo that takes its credentials from a KafkaUser: what the KafkaUser's status says (the managed
     * one from the dependent's informer; an existing one read by name). Null for other demos.
     */
    private Condition userCondition(InteractionDemo demo, DemoKafkaAccess access, DemoSettings s,
                                    Context<InteractionDemo> context) {
        if (access.kafkaUser() == null) {
            return null;
        }
        if (!strimzi.users()) {
            return Conditions.of(StrimziUsers.USER_READY, false, "StrimziNotInstalled", "this cluster does not serve "
                    + config.strimziApiVersion() + " KafkaUser: install Strimzi (the operator picks it up within "
                    + StrimziAwareOperator.CHECK_EVERY.toSeconds() + " s), or give the credentials in "
                    + "kafka.authentication");
        }
        Optional<KafkaUser> user;
        if (access.managedUser()) {
            user = kafkaUser.getSecondaryResource(demo, context).map(StrimziKafkaUser::typed);
        } else {
            user = context.getClient().genericKubernetesResources(config.strimziApiVersion(), "KafkaUser")
                    .inNamespace(demo.getMetadata().getNamespace()).withField("metadata.name", access.kafkaUser())
                    .list().getItems().stream().findFirst().map(StrimziKafkaUser::typed);
        }
        Instant now = clock.instant();
        Instant since = user.map(u -> userWaits.since(Names.key(demo), u.getMetadata(), now)).orElse(now);
        return StrimziUsers.observe(user, access.kafkaUser(), access.managedUser(), s.clusterName(),
                config.topicReadyTimeout(), since, now);
    }

    /**
     * The id of the topic this demo created: from its status, else from memory. A demo that a version of the
     * operator before topic ids were kept saw Ready in Direct mode owns its topic, whatever its id.
     */
    private String ownedTopicId(InteractionDemo demo) {
        TopicStatus t = demo.getStatus() == null ? null : demo.getStatus().getTopic();
        if (t != null && t.getTopicId() != null) {
            return t.getTopicId();
        }
        String created = createdTopics.get(demo.getMetadata().getUid());
        if (created != null) {
            return created;
        }
        // Before its id is recorded, the topic of the demo's name is its own if the demo was creating it (the intent
        // recorded when no such topic existed), or if an operator that kept no ids saw it Ready in Direct mode.
        boolean createdBeforeIds = t != null && "Direct".equals(t.getManagement()) && Names.topic(demo).equals(t.getName())
                && (Boolean.TRUE.equals(t.getReady()) || Boolean.TRUE.equals(t.getCreateRequested()));
        return createdBeforeIds ? TopicAdmin.CREATED_BEFORE_IDS : null;
    }

    /** What the demo's Kafka observer reads and, in Direct mode, keeps in place. */
    private KafkaTarget target(InteractionDemo demo, DemoSettings s, boolean countable, boolean mayCreate) {
        return new KafkaTarget(s.topic(), s.groupId(), s.management(), s.partitions(), s.topicReplicas(),
                s.topicConfig(), ownedTopicId(demo), countable, mayCreate);
    }

    private static boolean createRequested(InteractionDemo demo) {
        TopicStatus t = demo.getStatus() == null ? null : demo.getStatus().getTopic();
        return t != null && Boolean.TRUE.equals(t.getCreateRequested()) && Names.topic(demo).equals(t.getName());
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
        conditions.add(0, new ConditionBuilder().withType("Ready").withStatus("False").withReason("ReconcileFailed")
                .withMessage(rootMessage(e)).withLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS)
                        .toString())
                .withObservedGeneration(demo.getMetadata().getGeneration()).build());
        status.setConditions(conditions);
        demo.setStatus(status);
        events.record(context.getClient(), demo, "Warning", "ReconcileFailed", rootMessage(e));
        return ErrorStatusUpdateControl.patchStatus(demo);
    }

    /**
     * A demo being deleted: a Direct-mode demo's topic goes first, if it is the one the demo created; Deployments,
     * the Service and a KafkaTopic go by garbage collection. A Kafka that cannot be reached is retried until
     * {@link #TOPIC_DELETION_GIVE_UP} after the deletion request, then given up on with a Warning Event: the demo
     * is never stuck.
     */
    private UpdateControl<InteractionDemo> cleanup(InteractionDemo demo, Context<InteractionDemo> context) {
        if (!demo.hasFinalizer(FINALIZER)) {
            return UpdateControl.noUpdate();
        }
        DemoSettings s = DemoSettings.of(demo, config);
        if (s.management() == TopicManagement.Direct && !deleteTopic(demo, s, context)) {
            return UpdateControl.<InteractionDemo>noUpdate().rescheduleAfter(TOPIC_DELETION_RETRY);
        }
        PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
        return UpdateControl.noUpdate();
    }

    /** @return whether the demo may go: its topic is deleted, was never its own, or is given up on */
    private boolean deleteTopic(InteractionDemo demo, DemoSettings s, Context<InteractionDemo> context) {
        String owned = ownedTopicId(demo);
        if (config.allowedBootstrapServers().refused(s.bootstrapServers()).isPresent() || owned == null) {
            LOG.info("{} created no topic: nothing to delete in Kafka", Names.key(demo));
            return true;
        }
        try {
            ResourceID id = ResourceID.fromResource(demo);
            KafkaCredentials.Result security = credentials(context).resolve(demo.getMetadata().getNamespace(),
                    DemoKafkaAccess.of(demo));
            if (security instanceof KafkaCredentials.Failed failed) {
                throw new IllegalStateException("the credentials for Kafka cannot be used: " + failed.message());
            }
            kafka.observe(id, new KafkaConnection(s.bootstrapServers(), ((KafkaCredentials.Resolved) security)
                    .security()), target(demo, s, false, false)); // never create while deleting
            var admin = kafka.admin(id).orElseThrow(() -> new IllegalStateException(kafka.problem(id)
                    .orElse("cannot reach Kafka at " + s.bootstrapServers())));
            switch (TopicAdmin.delete(admin, s.topic(), owned)) {
                case DELETED -> LOG.info("Deleted topic {} (id {}) of {}", s.topic(), owned, Names.key(demo));
                case ALREADY_GONE -> LOG.info("Topic {} of {} was already gone", s.topic(), Names.key(demo));
                case NOT_OWNED -> events.record(context.getClient(), demo, "Normal", "TopicKept", "topic "
                        + s.topic() + " is not the one this InteractionDemo created (id " + owned + "): left as is");
            }
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String deleting = demo.getMetadata().getDeletionTimestamp();
            boolean givingUp = deleting == null
                    || !Instant.parse(deleting).plus(TOPIC_DELETION_GIVE_UP).isAfter(clock.instant());
            events.record(context.getClient(), demo, "Warning", "TopicNotDeleted", "cannot delete topic "
                    + s.topic() + ": " + rootMessage(e) + (givingUp ? "; giving up: delete it by hand if it is still "
                    + "there" : "; retrying every " + TOPIC_DELETION_RETRY.toSeconds() + " s until "
                    + TOPIC_DELETION_GIVE_UP.toMinutes() + " min after the deletion request"));
            return givingUp;
        }
    }

    /** The demo is gone: what the operator kept in memory for it goes too. */
    private void forget(InteractionDemo demo) {
        ResourceID id = ResourceID.fromResource(demo);
        known.remove(id);
        lastWrites.remove(id);
        firstLooks.remove(id);
        greeters.forget(demo);
        kafka.forget(id);
        greeterHealth.forget(id);
        podMetrics.forget(id);
        metrics.forget(demo);
        statuses.forget(demo);
        topicWaits.forget(Names.key(demo));
        userWaits.forget(Names.key(demo));
        if (demo.getMetadata().getUid() != null) {
            createdTopics.remove(demo.getMetadata().getUid());
        }
    }

    /**
     * Why a dependent failed: an object of its name that the demo does not own is {@code NameTaken}; null when the
     * failure was no failure (the demo's own object, created a moment ago and not yet in the cache).
     */
    private DependentFailure failure(DependentResource<?, ?> dependent, Exception e, InteractionDemo demo,
                                     Context<InteractionDemo> context) {
        KubernetesClientException k = kubernetesCause(e);
        if (k != null && k.getCode() == HTTP_CONFLICT) {
            try {
                Holder holder = holder(dependent, demo, context);
                if (holder.object() != null && holder.ownedBy(demo)) {
                    return null; // the demo's own object, not yet in the informer's cache: the next reconcile sees it
                }
                if (holder.object() != null) {
                    return new DependentFailure(DependentFailure.NAME_TAKEN, holder.kind() + " "
                            + holder.object().getMetadata().getName() + " already exists and does not belong to this "
                            + "InteractionDemo: the operator leaves it untouched. Delete or rename that "
                            + holder.kind() + ", or give the InteractionDemo another name");
                }
            } catch (RuntimeException lookup) {
                LOG.debug("Could not tell who holds the name of {} of {}: {}", component(dependent), Names.key(demo),
                        lookup.toString());
            }
        }
        return new DependentFailure(null, rootMessage(e));
    }

    /** The object of a dependent's name, if one exists, and its kind. */
    private record Holder(String kind, HasMetadata object) {
        boolean ownedBy(InteractionDemo demo) {
            return object.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> demo.getMetadata().getUid().equals(o.getUid()));
        }
    }

    private Holder holder(DependentResource<?, ?> dependent, InteractionDemo demo, Context<InteractionDemo> context) {
        String namespace = demo.getMetadata().getNamespace();
        var client = context.getClient();
        String kind;
        HasMetadata existing;
        // Read with list (a field selector on the name): the operator may list what it watches, but needs no get.
        if (dependent == greeterService) {
            kind = "Service";
            existing = first(client.services().inNamespace(namespace)
                    .withField("metadata.name", Names.greeter(demo)).list().getItems());
        } else if (dependent == hostKafkaCut) {
            kind = "NetworkPolicy";
            existing = first(client.network().v1().networkPolicies().inNamespace(namespace)
                    .withField("metadata.name", HostKafkaCut.name(demo)).list().getItems());
        } else if (dependent == kafkaUser) {
            kind = "KafkaUser";
            existing = first(client.genericKubernetesResources(config.strimziApiVersion(), "KafkaUser")
                    .inNamespace(namespace).withField("metadata.name", Names.kafkaUser(demo)).list().getItems());
        } else if (dependent == kafkaTopic) {
            kind = "KafkaTopic";
            existing = first(client.genericKubernetesResources(config.strimziApiVersion(), "KafkaTopic")
                    .inNamespace(namespace).withField("metadata.name", Names.kafkaTopicResource(demo)).list()
                    .getItems());
        } else {
            kind = "Deployment";
            String name = dependent == greeterDeployment ? Names.greeter(demo)
                    : dependent == hostDeployment ? Names.host(demo) : Names.worker(demo);
            existing = first(client.apps().deployments().inNamespace(namespace).withField("metadata.name", name)
                    .list().getItems());
        }
        return new Holder(kind, existing);
    }

    private static List<Pod> component(Set<Pod> pods, String component) {
        return pods.stream().filter(p -> component.equals(Labels.component(p))).toList();
    }

    private static HasMetadata first(List<? extends HasMetadata> items) {
        return items.isEmpty() ? null : items.get(0);
    }

    private String component(DependentResource<?, ?> dependent) {
        if (dependent == greeterDeployment || dependent == greeterService) {
            return "greeter";
        }
        if (dependent == kafkaTopic) {
            return "topic";
        }
        if (dependent == kafkaUser) {
            return "user";
        }
        if (dependent == hostKafkaCut) {
            return "host";
        }
        return dependent == hostDeployment ? "host" : "worker";
    }

    private static KubernetesClientException kubernetesCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return k;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
