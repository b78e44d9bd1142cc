package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.kafka.KafkaFailures;
import dev.interactiondemo.engine.Conditions;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.engine.DependentFailure;
import dev.interactiondemo.engine.Observation;
import dev.interactiondemo.engine.PodFigures;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.engine.Workloads;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.Labels;
import dev.interactiondemo.operator.dependents.StrimziKafkaTopic;
import dev.interactiondemo.operator.dependents.StrimziKafkaUser;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import dev.interactiondemo.operator.kafka.DemoKafka;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import dev.interactiondemo.operator.kafka.KafkaCredentials;
import dev.interactiondemo.operator.kafka.StrimziTopics;
import dev.interactiondemo.operator.kafka.StrimziUsers;
import dev.interactiondemo.operator.kafka.StrimziWaits;
import dev.interactiondemo.operator.observe.GreeterHealth;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.operator.observe.KafkaObservation;
import dev.interactiondemo.operator.observe.KafkaObservers;
import dev.interactiondemo.operator.observe.Observers;
import dev.interactiondemo.operator.observe.PodMetrics;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The observe phase of a reconcile: one {@link Observation} of a demo, assembled from the observers' latest readings
 * (its Kafka cluster, the Greeter's gRPC health, the pods' {@code /metrics}), the dependents in the informers' caches
 * and the Secrets the demo names. It makes no network call of its own: the observers do, between reconciles.
 */
final class DemoObserver {
    /** The topic's reason until the demo's Kafka observer has looked once. */
    static final String OBSERVING = "Observing";

    /** The dependents whose objects the observation reads from the informers' caches. */
    record Dependents(GreeterDeployment greeter, HostDeployment host, WorkerDeployment worker,
                      StrimziKafkaTopic kafkaTopic, StrimziKafkaUser kafkaUser) {
    }

    /**
     * One reconcile's look at a demo.
     *
     * @param firstLookUnderWay whether the first look at its Kafka or the Greeter's first health answer is still due
     * @param countsDue         whether its topic was just made and the first counts of it are due
     * @param hostWaits         whether the Host waits for its topic (the reconcile looks again soon)
     */
    record Result(Observation observation, boolean firstLookUnderWay, boolean countsDue, boolean hostWaits) {
    }

    private final OperatorConfig config;
    private final KafkaObservers kafka;
    private final GreeterHealth greeterHealth;
    private final PodMetrics podMetrics;
    private final GreeterChannels greeters;
    private final StrimziApis strimzi;
    private final Clock clock;
    private final Dependents dependents;
    private final StrimziWaits topicWaits = new StrimziWaits();
    private final StrimziWaits userWaits = new StrimziWaits();
    private final DemoKafka demoKafka;

    DemoObserver(OperatorConfig config, Observers observers, GreeterChannels greeters, StrimziApis strimzi,
                 Clock clock, Dependents dependents, DemoKafka demoKafka) {
        this.config = config;
        this.kafka = observers.kafka();
        this.greeterHealth = observers.greeters();
        this.podMetrics = observers.pods();
        this.greeters = greeters;
        this.strimzi = strimzi;
        this.clock = clock;
        this.dependents = dependents;
        this.demoKafka = demoKafka;
    }

    Result observe(InteractionDemo demo, DemoSettings settings, Map<Observation.Part, DependentFailure> errors,
                   Context<InteractionDemo> context) {
        ResourceID id = ResourceID.fromResource(demo);
        Optional<String> refused = config.allowedBootstrapServers().refused(settings.bootstrapServers());
        DemoKafkaAccess access = DemoKafkaAccess.of(demo);
        Condition user = userCondition(demo, access, settings, context);
        KafkaCredentials.Result security = refused.isPresent() ? null : demoKafka.security(demo, context.getClient());
        KafkaView view;
        if (refused.isPresent()) {
            kafka.forget(id);
            view = KafkaView.without(TopicObservation.notReady("BootstrapNotAllowed", "bootstrap address "
                    + refused.get() + " is not allowed by this operator (allowed: "
                    + config.allowedBootstrapServers() + "); ask the cluster's administrators which Kafka to use"),
                    "the bootstrap address is not allowed", null);
        } else if (security instanceof KafkaCredentials.Failed failed) {
            kafka.forget(id);
            String message = "the credentials for Kafka cannot be used: " + failed.message();
            view = KafkaView.without(settings.management() == TopicManagement.Strimzi
                    ? kafkaTopic(demo, settings, context) : TopicObservation.notReady(failed.reason(), message),
                    message, failed.reason());
        } else {
            view = lookAtKafka(demo, settings, id, DemoKafka.connection(settings,
                    (KafkaCredentials.Resolved) security), context);
        }
        Optional<Deployment> greeter = dependents.greeter().getSecondaryResource(demo, context);
        GreeterHealthCheck.Health health = greeter.isPresent()
                ? greeterHealth.latest(id, greeters.channel(demo)).orElse(null) : null;
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        List<Pod> hostPods = part(pods, HostDeployment.COMPONENT);
        List<Pod> workerPods = part(pods, WorkerDeployment.COMPONENT);
        PodFigures figures = podMetrics.latest(id, hostPods, workerPods).orElse(null);
        Optional<Deployment> host = dependents.host().getSecondaryResource(demo, context);
        Optional<KafkaObservation> group = view.group();
        Instant now = clock.instant();
        Observation observation = new Observation(demo, settings,
                Workloads.of("Greeter", greeter, part(pods, GreeterDeployment.COMPONENT), now),
                Workloads.of("Host", host, hostPods, now),
                Workloads.of("Worker", dependents.worker().getSecondaryResource(demo, context), workerPods, now),
                Names.greeterEndpoint(demo), view.topic(), health, view.reading(), view.problem(), errors, now,
                group.map(KafkaObservation::members).orElse(null), group.map(KafkaObservation::partitions).orElse(null),
                figures, view.problemReason(), user, "the Host's traffic to Kafka is denied by NetworkPolicy "
                + Names.host(demo) + "-kafka-cut, and the Host restarted under it (enforced only where the cluster's "
                + "network plugin enforces NetworkPolicies)");
        boolean firstLook = view.firstLookUnderWay()
                || greeter.isPresent() && settings.greeterReplicas() > 0 && health == null;
        boolean hostWaits = host.isEmpty() && settings.hostReplicas() > 0 && refused.isEmpty();
        boolean countsDue = view.topic().ready() && view.reading() == null && view.problem() == null;
        return new Result(observation, firstLook, countsDue, hostWaits);
    }

    /**
     * What the demo's Kafka observer last saw. Counts are read only from a topic that is the demo's own and ready:
     * never another tenant's.
     */
    private KafkaView lookAtKafka(InteractionDemo demo, DemoSettings settings, ResourceID id,
                                  KafkaConnection connection, Context<InteractionDemo> context) {
        TopicObservation strimziTopic = settings.management() == TopicManagement.Strimzi
                ? kafkaTopic(demo, settings, context) : null;
        Optional<KafkaObservation> observed = kafka.observe(id, connection, demoKafka.target(demo, settings,
                strimziTopic != null && strimziTopic.ready()));
        TopicObservation topic = strimziTopic != null ? strimziTopic : observed.map(KafkaObservation::topic)
                .orElseGet(() -> TopicObservation.notReady(OBSERVING, "the first look at Kafka at "
                        + settings.bootstrapServers() + " is under way"));
        String problem = !topic.ready() ? "the topic is not ready (" + topic.reason() + ")"
                : observed.map(KafkaObservation::problem).orElse(observed.isEmpty() ? "no reading yet" : null);
        // The demo's security settings refused (its login, its certificate, an ACL): MessagesFlowing says so.
        String reason = Stream.of(observed.map(KafkaObservation::problemReason).orElse(null),
                topic.ready() ? null : topic.reason()).filter(KafkaFailures::isSecurityFailure).findFirst()
                .orElse(null);
        if (reason != null && !topic.ready() && strimziTopic != null) {
            // Strimzi mode: the KafkaTopic may be waiting, the reason is the observer's
            problem = observed.map(KafkaObservation::problem).orElse(problem);
        }
        return new KafkaView(topic, topic.ready() ? observed.map(KafkaObservation::reading).orElse(null) : null,
                problem, reason, topic.ready() ? observed : Optional.empty(),
                strimziTopic == null && observed.isEmpty());
    }

    /** The Kafka side of an observation. */
    private record KafkaView(TopicObservation topic, KafkaReading reading, String problem, String problemReason,
                             Optional<KafkaObservation> group, boolean firstLookUnderWay) {
        static KafkaView without(TopicObservation topic, String problem, String problemReason) {
            return new KafkaView(topic, null, problem, problemReason, Optional.empty(), false);
        }
    }

    /**
     * Whether the demo's topic is ready as the operator sees it now (its KafkaTopic, or the latest look at Kafka), so
     * that the Host starts in the reconcile that sees it, not one status later.
     */
    boolean topicReadyNow(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        if (s.management() == TopicManagement.Strimzi) {
            return kafkaTopic(demo, s, context).ready();
        }
        return kafka.latest(ResourceID.fromResource(demo)).map(o -> o.topic() != null && o.topic().ready())
                .orElse(false);
    }

    /** The demo is gone: what was kept for it goes too. */
    void forget(InteractionDemo demo) {
        ResourceID id = ResourceID.fromResource(demo);
        greeters.forget(demo);
        kafka.forget(id);
        greeterHealth.forget(id);
        podMetrics.forget(id);
        topicWaits.forget(Names.key(demo));
        userWaits.forget(Names.key(demo));
        demoKafka.forget(demo);
    }

    private TopicObservation kafkaTopic(InteractionDemo demo, DemoSettings s, Context<InteractionDemo> context) {
        if (!strimzi.topics()) {
            return TopicObservation.notReady("StrimziNotInstalled", "this cluster does not serve "
                    + config.strimziApiVersion() + " KafkaTopic: install Strimzi (the operator picks it up within "
                    + StrimziAwareOperator.CHECK_EVERY.toSeconds() + " s; if Strimzi serves another version, set "
                    + "the operator's STRIMZI_API_VERSION to it), or use topic.management Direct");
        }
        var topic = dependents.kafkaTopic().getSecondaryResource(demo, context).map(StrimziKafkaTopic::typed);
        Instant now = clock.instant();
        Instant since = topic.map(t -> topicWaits.since(Names.key(demo), t.getMetadata(), now)).orElse(now);
        return StrimziTopics.observe(topic, s.clusterName(), config.topicReadyTimeout(), since, now);
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
            user = dependents.kafkaUser().getSecondaryResource(demo, context).map(StrimziKafkaUser::typed);
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

    private static List<Pod> part(Set<Pod> pods, String component) {
        return pods.stream().filter(p -> component.equals(Labels.component(p))).toList();
    }
}
