package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;

/**
 * A Strimzi resource of a demo (its KafkaTopic, its KafkaUser): built with Strimzi's own model and sent, as a generic
 * resource, with the configured apiVersion ({@code kafka.strimzi.io/v1}, or {@code v1beta2} for Strimzi before 0.49).
 * <p>
 * Never deleted by the operator: a demo that no longer wants it (its reconcile precondition unmet) keeps it until the
 * garbage collector removes it with the demo. Deleted at once, Strimzi would delete the topic and its messages, or the
 * user and its Secret; and the operator's RBAC grants no delete on either.
 *
 * @param <T> the resource in Strimzi's model
 */
abstract class StrimziResource<T extends HasMetadata> extends GenericKubernetesDependentResource<InteractionDemo>
        implements Creator<GenericKubernetesResource, InteractionDemo>, Updater<GenericKubernetesResource, InteractionDemo>,
        GarbageCollected<InteractionDemo> {
    static final KubernetesSerialization JSON = new KubernetesSerialization();
    protected final OperatorConfig config;

    StrimziResource(OperatorConfig config, String kind, String plural, String component) {
        super(GroupVersionKindPlural.gvkWithPlural(new GroupVersionKind(config.strimziApiVersion(), kind), plural));
        this.config = config;
        configureWith(Informers.forComponent(GenericKubernetesResource.class, component));
    }

    /** The resource the demo wants, in Strimzi's model. */
    protected abstract T model(InteractionDemo demo, DemoSettings settings);

    @Override
    protected final GenericKubernetesResource desired(InteractionDemo demo, Context<InteractionDemo> context) {
        GenericKubernetesResource generic = JSON.convertValue(model(demo, DemoSettings.of(demo, config)),
                GenericKubernetesResource.class);
        generic.setApiVersion(config.strimziApiVersion());
        generic.getAdditionalProperties().remove("status");
        return generic;
    }

    @Override
    public final void delete(InteractionDemo demo, Context<InteractionDemo> context) {
        // left to the garbage collector
    }
}
