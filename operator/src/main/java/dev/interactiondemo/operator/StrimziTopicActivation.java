package dev.interactiondemo.operator;

import dev.interactiondemo.operator.api.InteractionDemo;
import dev.interactiondemo.operator.api.TopicManagement;
import dev.interactiondemo.operator.dependents.DemoSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.time.Duration;
import java.time.Instant;

/**
 * The KafkaTopic dependent is active for demos with topic management Strimzi, once the cluster serves KafkaTopics
 * in the configured apiVersion (asked through API discovery, at most every 30 s while it is missing). Inactive, no
 * informer on KafkaTopics is started, so the operator runs on clusters without Strimzi.
 */
final class StrimziTopicActivation implements Condition<GenericKubernetesResource, InteractionDemo> {
    private static final Duration RECHECK = Duration.ofSeconds(30);
    private final OperatorConfig config;
    private volatile boolean served;
    private volatile Instant checkedAt = Instant.EPOCH;

    StrimziTopicActivation(OperatorConfig config) {
        this.config = config;
    }

    @Override
    public boolean isMet(DependentResource<GenericKubernetesResource, InteractionDemo> dependent,
                         InteractionDemo demo, Context<InteractionDemo> context) {
        return DemoSettings.of(demo, config).management() == TopicManagement.Strimzi && served(context.getClient());
    }

    boolean served(KubernetesClient client) {
        if (!served && Instant.now().isAfter(checkedAt.plus(RECHECK))) {
            checkedAt = Instant.now();
            served = client.supports(config.kafkaTopicApiVersion(), "KafkaTopic");
        }
        return served;
    }
}
