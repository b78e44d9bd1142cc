package dev.interactiondemo.operator;

import dev.interactiondemo.operator.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Kubernetes Events for the transitions a user wants to hear about: a condition's status changed. */
final class DemoEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DemoEvents.class);

    private DemoEvents() {
    }

    /** One Event per condition whose status differs from before (or is new and not True). */
    static void recordTransitions(KubernetesClient client, InteractionDemo demo, List<Condition> before,
                                  List<Condition> after) {
        Map<String, Condition> old = before == null ? Map.of()
                : before.stream().collect(Collectors.toMap(Condition::getType, Function.identity(), (a, b) -> a));
        for (Condition c : after) {
            Condition o = old.get(c.getType());
            boolean transition = o == null ? !"True".equals(c.getStatus()) : !o.getStatus().equals(c.getStatus());
            if (transition) {
                record(client, demo, "True".equals(c.getStatus()) ? "Normal" : "Warning", c.getReason(),
                        c.getType() + " is " + c.getStatus() + ": " + c.getMessage());
            }
        }
    }

    static void record(KubernetesClient client, InteractionDemo demo, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(demo.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(demo.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .withNamespace(demo.getMetadata().getNamespace())
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(demo.getApiVersion()).withKind(demo.getKind())
                            .withName(demo.getMetadata().getName()).withNamespace(demo.getMetadata().getNamespace())
                            .withUid(demo.getMetadata().getUid()).build())
                    .withType(type).withReason(reason)
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource("interaction-demo-operator", null)
                    .withReportingComponent("interaction-demo-operator")
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.warn("Could not record event {} for {}: {}", reason, demo.getMetadata().getName(), e.toString());
        }
    }
}
