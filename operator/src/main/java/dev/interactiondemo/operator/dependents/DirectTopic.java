package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.kafka.DemoKafka;
import dev.interactiondemo.operator.kafka.KafkaCredentials;
import dev.interactiondemo.operator.observe.KafkaObservation;
import dev.interactiondemo.operator.observe.KafkaObservers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The topic of a Direct-mode demo, in Kafka: an external resource with its own create and delete, as the schema of
 * java-operator-sdk's mysql-schema sample. Its state is what the demo's Kafka observer last saw (the observers only
 * look); it creates the topic once the demo's status records the intent to (so that the topic is known to be the
 * demo's own even if the operator stops before recording its id), grows its partitions, and deletes it with the
 * demo, only if it is the topic the demo created (by id). Other demos have nothing here.
 * <p>
 * A Kafka that cannot be reached while the demo is deleted is retried until {@link #GIVE_UP} after the deletion
 * request, then given up on with a Warning Event: a demo is never stuck in deletion.
 */
public class DirectTopic implements DependentResource<TopicObservation, InteractionDemo>, Deleter<InteractionDemo> {
    private static final Logger LOG = LoggerFactory.getLogger(DirectTopic.class);
    /** How long after the deletion request a topic that cannot be deleted is given up on. */
    public static final Duration GIVE_UP = Duration.ofMinutes(2);

    /** Where the topic's Events go (the demo's aggregated Events). */
    public interface Events {
        void record(KubernetesClient client, InteractionDemo demo, String type, String reason, String message);
    }

    private final OperatorConfig config;
    private final KafkaObservers kafka;
    private final DemoKafka demoKafka;
    private final Events events;
    private final Clock clock;

    public DirectTopic(OperatorConfig config, KafkaObservers kafka, DemoKafka demoKafka, Events events, Clock clock) {
        this.config = config;
        this.kafka = kafka;
        this.demoKafka = demoKafka;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Class<TopicObservation> resourceType() {
        return TopicObservation.class;
    }

    /** The topic as the demo's Kafka observer last saw it. */
    @Override
    public Optional<TopicObservation> getSecondaryResource(InteractionDemo demo, Context<InteractionDemo> context) {
        return kafka.latest(ResourceID.fromResource(demo)).map(KafkaObservation::topic);
    }

    /** Creates the topic once its creation is recorded as intended, and grows it to the partitions asked for. */
    @Override
    public ReconcileResult<TopicObservation> reconcile(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        Optional<TopicObservation> seen = getSecondaryResource(demo, context);
        if (!managed(s) || seen.isEmpty()) {
            return ReconcileResult.noOperation(seen.orElse(null));
        }
        TopicObservation topic = seen.get();
        boolean create = TopicObservation.CREATING.equals(topic.reason()) && DemoKafka.createRequested(demo, s);
        boolean grow = topic.ready() && topic.topicId() != null && topic.partitions() != null
                && topic.partitions() < s.partitions();
        if (!create && !grow) {
            return ReconcileResult.noOperation(topic);
        }
        Optional<TopicObservation> changed = kafka.changeTopic(ResourceID.fromResource(demo), new TopicAdmin.Want(
                s.topic(), true, s.partitions(), s.topicReplicas(), s.topicConfig(), demoKafka.ownedTopicId(demo),
                true));
        if (changed.isEmpty()) {
            return ReconcileResult.noOperation(topic); // Kafka out of reach: the observer says so
        }
        TopicObservation made = changed.get();
        if (made.topicId() != null) {
            demoKafka.created(demo, made.topicId());
            LOG.info("Topic {} of {}: {} (id {})", s.topic(), Names.key(demo), made.message(), made.topicId());
        }
        return create ? ReconcileResult.resourceCreated(made) : ReconcileResult.resourceUpdated(made);
    }

    /**
     * Deletes the topic if it is the one the demo created. Throws while Kafka cannot be reached (the demo's deletion
     * is retried), until {@link #GIVE_UP} after the deletion request.
     */
    @Override
    public void delete(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        String owned = demoKafka.ownedTopicId(demo);
        if (!managed(s) || owned == null) {
            LOG.info("{} created no topic: nothing to delete in Kafka", Names.key(demo));
            return;
        }
        try {
            ResourceID id = ResourceID.fromResource(demo);
            if (demoKafka.security(demo, context.getClient()) instanceof KafkaCredentials.Resolved resolved) {
                kafka.observe(id, DemoKafka.connection(s, resolved), demoKafka.target(demo, s, false));
            } else {
                throw new IllegalStateException("the credentials for Kafka cannot be used");
            }
            Admin admin = kafka.admin(id).orElseThrow(() -> new IllegalStateException(kafka.problem(id)
                    .orElse("cannot reach Kafka at " + s.bootstrapServers())));
            switch (TopicAdmin.delete(admin, s.topic(), owned)) {
                case DELETED -> LOG.info("Deleted topic {} (id {}) of {}", s.topic(), owned, Names.key(demo));
                case ALREADY_GONE -> LOG.info("Topic {} of {} was already gone", s.topic(), Names.key(demo));
                case NOT_OWNED -> events.record(context.getClient(), demo, "Normal", "TopicKept", "topic "
                        + s.topic() + " is not the one this InteractionDemo created (id " + owned + "): left as is");
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String deleting = demo.getMetadata().getDeletionTimestamp();
            boolean givingUp = deleting == null || !Instant.parse(deleting).plus(GIVE_UP).isAfter(clock.instant());
            events.record(context.getClient(), demo, "Warning", "TopicNotDeleted", "cannot delete topic "
                    + s.topic() + ": " + rootMessage(e) + (givingUp ? "; giving up: delete it by hand if it is still "
                    + "there" : "; retrying until " + GIVE_UP.toMinutes() + " min after the deletion request"));
            if (!givingUp) {
                throw new IllegalStateException("topic " + s.topic() + " not deleted yet: " + rootMessage(e), e);
            }
        }
    }

    /** Whether the demo's topic is this dependent's: Direct mode, at an address the operator may use. */
    private boolean managed(DemoSettings s) {
        return s.management() == TopicManagement.Direct
                && config.allowedBootstrapServers().refused(s.bootstrapServers()).isEmpty();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
