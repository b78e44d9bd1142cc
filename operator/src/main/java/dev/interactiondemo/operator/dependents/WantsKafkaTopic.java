package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.operator.config.OperatorConfig;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.engine.DemoSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The KafkaTopic dependent is reconciled for demos with topic management Strimzi. A reconcile precondition, not an
 * activation condition: java-operator-sdk stops a dependent's informer whenever a reconcile finds its activation
 * condition unmet, so with Strimzi and Direct demos side by side the KafkaTopic informer was stopped and listed again
 * about once per demo (the benchmark's mixed case). Unmet, it deletes nothing ({@code StrimziKafkaTopic#delete}): a
 * demo that left its topic management to the default and then sets Direct keeps its KafkaTopic until it is deleted.
 * The dependent is part of the workflow only while the cluster serves KafkaTopics (its informer fails without the
 * CRD).
 */
public final class WantsKafkaTopic implements Condition<GenericKubernetesResource, InteractionDemo> {
    private final OperatorConfig config;

    public WantsKafkaTopic(OperatorConfig config) {
        this.config = config;
    }

    @Override
    public boolean isMet(DependentResource<GenericKubernetesResource, InteractionDemo> dependent,
                         InteractionDemo demo, Context<InteractionDemo> context) {
        return DemoSettings.of(demo, config).management() == TopicManagement.Strimzi;
    }
}
