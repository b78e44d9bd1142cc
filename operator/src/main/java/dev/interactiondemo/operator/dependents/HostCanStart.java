package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.function.BiPredicate;

/**
 * The Host is created only once the topic is ready (as the last status reported it, or as the operator sees it
 * now), so it never publishes into a topic that does not exist. Once created it stays: a passing Kafka problem does not delete it; an address the
 * operator no longer allows does ({@link BootstrapAllowed}).
 */
public final class HostCanStart implements Condition<Deployment, InteractionDemo> {
    private final BootstrapAllowed allowed;
    private final BiPredicate<InteractionDemo, Context<InteractionDemo>> topicReadyNow;

    /** @param topicReadyNow whether the topic is ready as the operator sees it now */
    public HostCanStart(BootstrapAllowed allowed, BiPredicate<InteractionDemo, Context<InteractionDemo>> topicReadyNow) {
        this.allowed = allowed;
        this.topicReadyNow = topicReadyNow;
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
        var status = demo.getStatus();
        return status != null && status.getTopic() != null && Boolean.TRUE.equals(status.getTopic().getReady())
                || topicReadyNow.test(demo, context);
    }
}
