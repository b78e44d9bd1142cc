package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.operator.kafka.KafkaCredentials;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.operator.observe.KafkaObservers;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes a Direct-mode demo's topic with the demo, if it is the topic the demo created (by its id). A Kafka that
 * cannot be reached is retried until {@link #GIVE_UP} after the deletion request, then given up on with a Warning
 * Event: a demo is never stuck in deletion.
 */
final class DirectTopicCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(DirectTopicCleanup.class);
    /** How long after the deletion request a topic that cannot be deleted is given up on. */
    static final Duration GIVE_UP = Duration.ofMinutes(2);
    static final Duration RETRY = Duration.ofSeconds(10);

    private final OperatorConfig config;
    private final KafkaObservers kafka;
    private final DemoObserver observer;
    private final DemoEvents events;
    private final Clock clock;

    DirectTopicCleanup(OperatorConfig config, KafkaObservers kafka, DemoObserver observer, DemoEvents events,
                       Clock clock) {
        this.config = config;
        this.kafka = kafka;
        this.observer = observer;
        this.events = events;
        this.clock = clock;
    }

    /** @return whether the demo may go: its topic is deleted, was never its own, or is given up on */
    boolean deleteTopic(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        String owned = observer.ownedTopicId(demo);
        if (config.allowedBootstrapServers().refused(s.bootstrapServers()).isPresent() || owned == null) {
            LOG.info("{} created no topic: nothing to delete in Kafka", Names.key(demo));
            return true;
        }
        try {
            ResourceID id = ResourceID.fromResource(demo);
            KafkaCredentials.Result security = observer.credentials(context).resolve(demo.getMetadata().getNamespace(),
                    DemoKafkaAccess.of(demo));
            if (security instanceof KafkaCredentials.Failed failed) {
                throw new IllegalStateException("the credentials for Kafka cannot be used: " + failed.message());
            }
            kafka.observe(id, new KafkaConnection(s.bootstrapServers(), ((KafkaCredentials.Resolved) security)
                    .security()), observer.target(demo, s, false, false)); // never create while deleting
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
            boolean givingUp = deleting == null || !Instant.parse(deleting).plus(GIVE_UP).isAfter(clock.instant());
            events.record(context.getClient(), demo, "Warning", "TopicNotDeleted", "cannot delete topic "
                    + s.topic() + ": " + DependentErrors.rootMessage(e) + (givingUp ? "; giving up: delete it by hand "
                    + "if it is still there" : "; retrying every " + RETRY.toSeconds() + " s until "
                    + GIVE_UP.toMinutes() + " min after the deletion request"));
            return givingUp;
        }
    }
}
