package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.TopicManagement;
import dev.interactiondemo.operator.dependents.DemoSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The KafkaTopic dependent is active for demos with topic management Strimzi: the informer on KafkaTopics starts
 * with the first such demo. (The dependent is part of the workflow only while the cluster serves KafkaTopics:
 * java-operator-sdk builds an event source even to deactivate one, which fails without the CRD.)
 */
final class StrimziTopicActivation implements Condition<GenericKubernetesResource, InteractionDemo> {
    private final OperatorConfig config;

    StrimziTopicActivation(OperatorConfig config) {
        this.config = config;
    }

    @Override
    public boolean isMet(DependentResource<GenericKubernetesResource, InteractionDemo> dependent,
                         InteractionDemo demo, Context<InteractionDemo> context) {
        return DemoSettings.of(demo, config).management() == TopicManagement.Strimzi;
    }
}
