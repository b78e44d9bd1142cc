package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.operator.config.BootstrapPolicy;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The Host and the Worker connect to the demo's bootstrap address themselves: they run only when the operator's
 * {@link BootstrapPolicy} allows it (a Deployment of a demo whose address stopped being allowed is removed).
 */
public final class BootstrapAllowed implements Condition<Deployment, InteractionDemo> {
    private final BootstrapPolicy policy;

    public BootstrapAllowed(BootstrapPolicy policy) {
        this.policy = policy;
    }

    @Override
    public boolean isMet(DependentResource<Deployment, InteractionDemo> dependent, InteractionDemo demo,
                         Context<InteractionDemo> context) {
        return policy.refused(Names.bootstrapServers(demo)).isEmpty();
    }
}
