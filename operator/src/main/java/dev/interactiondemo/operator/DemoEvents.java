package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.engine.Conditions;
import dev.interactiondemo.kafka.TopicObservation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Kubernetes Events for the transitions a user wants to hear about: a condition's status changed.
 * <p>
 * Events aggregate, as the best operators emit them (the Flink operator names its events by content): one Event
 * object per demo and reason, named from both; a repeat bumps its {@code count} and {@code lastTimestamp} and takes
 * the new message, so a demo that flaps for hours leaves a handful of objects, and {@code kubectl describe} shows
 * "x12 over 5m".
 */
public final class DemoEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DemoEvents.class);
    static final String COMPONENT = "interaction-demo-operator";
    private static final int HTTP_CONFLICT = 409;
    private static final int HTTP_NOT_FOUND = 404;

    private final Clock clock;

    public DemoEvents(Clock clock) {
        this.clock = clock;
    }

    /**
     * Reasons that are no news when a condition first gets them (or leaves Unknown for them): a part on its way (a
     * Deployment not yet created or not yet available, a topic being created, a first reading under way) or in its
     * normal state (no fault switched on). A new demo's first statuses are made of them; an Event for each would bury
     * the ones that matter.
     */
    static final Set<String> QUIET_REASONS = Set.of(DemoObserver.OBSERVING, TopicObservation.CREATING,
            "NotCreated", "NoReplicasAvailable", "Measuring", "NothingProduced", "NoFaults",
            "WaitingForTopicOperator", "WaitingForUserOperator", "KafkaTopicNotReady", "KafkaUserNotReady",
            "GreeterUnavailable", "TopicNotReady", "HostUnavailable", "WorkerUnavailable");

    /**
     * One Event per condition whose status changed. A condition that is new, or was Unknown, makes one only when it
     * becomes True after Unknown, or False for a reason that is news (not one of the {@link #QUIET_REASONS}).
     */
    void recordTransitions(KubernetesClient client, InteractionDemo demo, List<Condition> before, List<Condition> after) {
        Map<String, Condition> old = before == null ? Map.of()
                : before.stream().collect(Collectors.toMap(Condition::getType, Function.identity(), (a, b) -> a));
        for (Condition c : after) {
            if (isNews(old.get(c.getType()), c)) {
                record(client, demo, "True".equals(c.getStatus()) ? "Normal" : "Warning", c.getReason(),
                        c.getType() + " is " + c.getStatus() + ": " + c.getMessage());
            }
        }
    }

    /** Whether a condition's change from {@code before} (null: it is new) deserves an Event. */
    static boolean isNews(Condition before, Condition after) {
        boolean wasKnown = before != null && !Conditions.UNKNOWN.equals(before.getStatus());
        if (wasKnown) {
            return !before.getStatus().equals(after.getStatus());
        }
        return switch (after.getStatus()) {
            case "True" -> before != null;
            case "False" -> !QUIET_REASONS.contains(after.getReason());
            default -> false;
        };
    }

    /** Records an Event, or bumps the count of the object's Event with this reason. Never throws. */
    public void record(KubernetesClient client, HasMetadata demo, String type, String reason, String message) {
        record(client, demo, type, reason, message, name(demo, reason));
    }

    /**
     * Records an Event per distinct message (a lesson's timeline: each line an Event of its own, in order), or bumps
     * the count of the object's Event with this reason and message. Never throws.
     */
    public void recordEach(KubernetesClient client, HasMetadata object, String type, String reason, String message) {
        record(client, object, type, reason, message, name(object, reason + "/" + message));
    }

    private void record(KubernetesClient client, HasMetadata demo, String type, String reason, String message,
                        String name) {
        String namespace = demo.getMetadata().getNamespace();
        String now = clock.instant().toString();
        String text = message.length() > 1000 ? message.substring(0, 1000) : message;
        var events = client.v1().events().inNamespace(namespace);
        try {
            try {
                events.resource(new EventBuilder()
                        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                        .withInvolvedObject(new ObjectReferenceBuilder()
                                .withApiVersion(demo.getApiVersion()).withKind(demo.getKind())
                                .withName(demo.getMetadata().getName()).withNamespace(namespace)
                                .withUid(demo.getMetadata().getUid()).build())
                        .withType(type).withReason(reason).withMessage(text)
                        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                        .withNewSource(COMPONENT, null)
                        .withReportingComponent(COMPONENT)
                        .build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HTTP_CONFLICT) {
                    throw e;
                }
                // The same reason again: one more occurrence of the existing Event.
                events.withName(name).edit(existing -> bump(existing, type, text, now));
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == HTTP_NOT_FOUND) {
                LOG.debug("Event {} expired while being updated; the next occurrence creates it again", name);
                return;
            }
            LOG.warn("Could not record event {} for {}/{}: {}", reason, namespace, demo.getMetadata().getName(),
                    e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Could not record event {} for {}/{}: {}", reason, namespace, demo.getMetadata().getName(),
                    e.toString());
        }
    }

    private static Event bump(Event existing, String type, String message, String now) {
        return new EventBuilder(existing)
                .withType(type).withMessage(message)
                .withCount(existing.getCount() == null ? 2 : existing.getCount() + 1)
                .withLastTimestamp(now)
                .build();
    }

    /** {@code <object>.<hash of its uid and the reason>}: the same for every repeat, distinct per reason. */
    static String name(HasMetadata demo, String reason) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((demo.getMetadata().getUid() + "/" + reason)
                    .getBytes(StandardCharsets.UTF_8));
            return demo.getMetadata().getName() + "." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
