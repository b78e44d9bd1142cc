package dev.interactiondemo.operator.lesson;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.kafka.GroupRewind;
import dev.interactiondemo.operator.observe.KafkaObservers;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A lesson's rewind step: moves the demo's Workers' consumer group back on its topic, through the Admin client of
 * the demo's Kafka observer (the operator's one seam to each Kafka cluster). The group and the topic are the ones the
 * demo's status names. Kafka moves only an empty group's offsets: until the Workers have left it, the rewind waits for
 * the lesson's next look.
 */
final class LessonRewind {
    private static final Logger LOG = LoggerFactory.getLogger(LessonRewind.class);
    /** How long the rewind's Admin calls may take, each. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final KafkaObservers kafka;

    LessonRewind(KafkaObservers kafka) {
        this.kafka = kafka;
    }

    /**
     * Moves the group back by {@code perPartition} messages on each partition of the topic.
     *
     * @return how many messages the Workers will process again, in all; empty when it cannot be done now (the demo's
     * Kafka is not observed yet, its status names no group or topic yet, the group has members, Kafka did not answer)
     */
    OptionalLong rewind(InteractionDemo demo, int perPartition) {
        InteractionDemoStatus s = demo.getStatus();
        String group = s == null || s.getWorker() == null ? null : s.getWorker().getGroupId();
        String topic = s == null || s.getTopic() == null ? null : s.getTopic().getName();
        Optional<Admin> admin = kafka.admin(ResourceID.fromResource(demo));
        if (group == null || topic == null || admin.isEmpty()) {
            LOG.info("Rewind of demo {}/{} waits: {}", demo.getMetadata().getNamespace(), demo.getMetadata().getName(),
                    admin.isEmpty() ? "its Kafka is not observed yet" : "its status names no group or topic yet");
            return OptionalLong.empty();
        }
        try {
            long moved = GroupRewind.rewind(admin.get(), group, topic, perPartition, TIMEOUT);
            LOG.info("Rewound group {} on topic {} by {} per partition: {} to process again", group, topic,
                    perPartition, moved);
            return OptionalLong.of(moved);
        } catch (IllegalStateException e) {
            LOG.info("Rewind of group {} waits: {}", group, e.getMessage());
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        } catch (Exception e) {
            LOG.warn("Rewind of group {} on topic {} failed (trying again at the next look): {}", group, topic,
                    e.toString());
            return OptionalLong.empty();
        }
    }
}
