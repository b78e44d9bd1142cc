package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Strimzi {@code KafkaTopic} (topic management {@code Strimzi}): labelled {@code strimzi.io/cluster=<clusterName>}
 * so that cluster's Topic Operator creates the topic. Built with Strimzi's own model and sent with the configured
 * apiVersion ({@code kafka.strimzi.io/v1}, or {@code v1beta2} for Strimzi before 0.49).
 */
public class StrimziKafkaTopic extends GenericKubernetesDependentResource<InteractionDemo>
        implements Creator<GenericKubernetesResource, InteractionDemo>, Updater<GenericKubernetesResource, InteractionDemo>,
        GarbageCollected<InteractionDemo> {
    public static final String COMPONENT = "topic";
    public static final String CLUSTER_LABEL = "strimzi.io/cluster";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final OperatorConfig config;

    public StrimziKafkaTopic(OperatorConfig config) {
        super(GroupVersionKindPlural.gvkWithPlural(gvk(config), KafkaTopic.RESOURCE_PLURAL));
        this.config = config;
        configureWith(Informers.forComponent(GenericKubernetesResource.class, COMPONENT));
    }

    public static GroupVersionKind gvk(OperatorConfig config) {
        return new GroupVersionKind(config.strimziApiVersion(), KafkaTopic.RESOURCE_KIND);
    }

    @Override
    protected GenericKubernetesResource desired(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        Map<String, String> labels = new HashMap<>(Labels.of(demo, COMPONENT));
        labels.put(CLUSTER_LABEL, s.clusterName());
        KafkaTopic topic = new KafkaTopicBuilder()
                .withNewMetadata()
                .withName(Names.kafkaTopicResource(demo)).withNamespace(demo.getMetadata().getNamespace())
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withTopicName(s.topic())
                .withPartitions(s.partitions())
                .withReplicas(s.topicReplicas())
                .withConfig(new LinkedHashMap<>(s.topicConfig()))
                .endSpec()
                .build();
        GenericKubernetesResource generic = JSON.convertValue(topic, GenericKubernetesResource.class);
        generic.setApiVersion(config.strimziApiVersion());
        generic.getAdditionalProperties().remove("status");
        return generic;
    }

    /** The KafkaTopic's status in Strimzi's model, whatever apiVersion it was read with. */
    public static KafkaTopic typed(GenericKubernetesResource resource) {
        return JSON.convertValue(resource, KafkaTopic.class);
    }

    /**
     * Never deletes: a demo that no longer wants its KafkaTopic (its reconcile precondition unmet) keeps it until the
     * garbage collector removes it with the demo. Deleted at once, Strimzi would delete the topic and its messages, and the operator's RBAC
     * grants no delete on it.
     */
    @Override
    public void delete(InteractionDemo demo, Context<InteractionDemo> context) {
        // left to the garbage collector
    }
}
