package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The Host's cut from Kafka exists while the fault {@code kafka.cutHost} is on, and goes when it is lifted. */
public final class HostCutOn implements Condition<NetworkPolicy, InteractionDemo> {
    @Override
    public boolean isMet(DependentResource<NetworkPolicy, InteractionDemo> dependent, InteractionDemo demo,
                         Context<InteractionDemo> context) {
        return on(demo);
    }

    /** Whether the demo's fault {@code kafka.cutHost} is on. */
    static boolean on(InteractionDemo demo) {
        var faults = demo.getSpec().getFaults();
        return faults != null && faults.getKafka() != null && Boolean.TRUE.equals(faults.getKafka().getCutHost());
    }
}
