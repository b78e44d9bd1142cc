package dev.interactiondemo.operator.dependents;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;

/**
 * Dependents watch only their own component's objects, in the namespaces the operator watches, and never adopt an
 * object: one is created only if no object of its name exists (an object of that name that the demo does not own is
 * left untouched, and the demo reports {@code NameTaken}); once created and owned, it is kept up to date.
 */
final class Informers {
    private Informers() {
    }

    static <R extends HasMetadata> KubernetesDependentResourceConfig<R> forComponent(Class<R> type, String component) {
        return new KubernetesDependentResourceConfigBuilder<R>()
                .withKubernetesDependentInformerConfig(InformerConfiguration.builder(type)
                        .withName(component + "-" + type.getSimpleName().toLowerCase())
                        .withNamespacesInheritedFromController()
                        .withLabelSelector(Labels.informerSelector(component))
                        .build())
                .withCreateResourceOnlyIfNotExistingWithSSA(true)
                .build();
    }
}
