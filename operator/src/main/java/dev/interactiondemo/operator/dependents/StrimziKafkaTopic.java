package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
public class StrimziKafkaTopic extends StrimziResource<KafkaTopic> {
    public static final String COMPONENT = "topic";
    public static final String CLUSTER_LABEL = "strimzi.io/cluster";

    public StrimziKafkaTopic(OperatorConfig config) {
        super(config, KafkaTopic.RESOURCE_KIND, KafkaTopic.RESOURCE_PLURAL, COMPONENT);
    }

    @Override
    protected KafkaTopic model(InteractionDemo demo, DemoSettings s) {
        Map<String, String> labels = new HashMap<>(Labels.of(demo, COMPONENT));
        labels.put(CLUSTER_LABEL, s.clusterName());
        return new KafkaTopicBuilder()
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
    }

    /** The KafkaTopic's status in Strimzi's model, whatever apiVersion it was read with. */
    public static KafkaTopic typed(GenericKubernetesResource resource) {
        return JSON.convertValue(resource, KafkaTopic.class);
    }
}
