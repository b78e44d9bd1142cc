package dev.interactiondemo.operator;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Which of Strimzi's resources the cluster serves, in the configured apiVersion: the dependents on them are part of
 * the workflow only then (java-operator-sdk builds an event source even to deactivate a dependent, which fails
 * without the CRD); {@link StrimziAwareOperator} builds the controller again when this changes.
 *
 * @param topics KafkaTopic: topic management Strimzi
 * @param users  KafkaUser: kafka.user
 */
public record StrimziApis(boolean topics, boolean users) {
    public static StrimziApis servedBy(KubernetesClient client, String apiVersion) {
        return new StrimziApis(client.supports(apiVersion, "KafkaTopic"), client.supports(apiVersion, "KafkaUser"));
    }
}
