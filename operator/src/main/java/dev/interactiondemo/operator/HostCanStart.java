package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The Host is created only once the topic is ready (as this reconcile observed it, else as the last status reported
 * it), so it never publishes into a topic that does not exist. Once created it stays: a passing Kafka problem does not delete it; an address the
 * operator no longer allows does ({@link BootstrapAllowed}).
 */
final class HostCanStart implements Condition<Deployment, InteractionDemo> {
    private final BootstrapAllowed allowed;

    private static final String TOPIC_READY = "topicReady";

    HostCanStart(BootstrapAllowed allowed) {
        this.allowed = allowed;
    }

    /** What the reconcile found of the topic before it runs the workflow. */
    static void topicReady(Context<InteractionDemo> context, boolean ready) {
        context.managedWorkflowAndDependentResourceContext().put(TOPIC_READY, ready);
    }

    @Override
    public boolean isMet(DependentResource<Deployment, InteractionDemo> host, InteractionDemo demo,
                         Context<InteractionDemo> context) {
        if (!allowed.isMet(host, demo, context)) {
            return false;
        }
        if (host.getSecondaryResource(demo, context).isPresent()) {
            return true;
        }
        var observed = context.managedWorkflowAndDependentResourceContext().get(TOPIC_READY, Boolean.class);
        if (observed.isPresent()) {
            return observed.get();
        }
        var status = demo.getStatus();
        return status != null && status.getTopic() != null && Boolean.TRUE.equals(status.getTopic().getReady());
    }
}
