package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The KafkaUser dependent is reconciled for demos with {@code kafka.user.managed}: a reconcile precondition, so that
 * its informer keeps running beside demos without one (see {@link WantsKafkaTopic}). Unmet, it deletes nothing: a
 * KafkaUser the operator made for the demo stays until the demo is deleted ({@code StrimziKafkaUser#delete}).
 */
public final class WantsKafkaUser implements Condition<GenericKubernetesResource, InteractionDemo> {
    @Override
    public boolean isMet(DependentResource<GenericKubernetesResource, InteractionDemo> dependent,
                         InteractionDemo demo, Context<InteractionDemo> context) {
        return DemoKafkaAccess.of(demo).managedUser();
    }
}
