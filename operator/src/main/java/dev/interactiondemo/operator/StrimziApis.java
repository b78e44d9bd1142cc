package dev.interactiondemo.operator;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Which of Strimzi's resources the cluster served, in the configured apiVersion, when the operator started: the
 * dependents on them are part of the workflow only then (java-operator-sdk builds an event source even to deactivate
 * a dependent, which fails without the CRD).
 *
 * @param topics KafkaTopic: topic management Strimzi
 * @param users  KafkaUser: kafka.user
 */
public record StrimziApis(boolean topics, boolean users) {
    public static StrimziApis servedBy(KubernetesClient client, String apiVersion) {
        return new StrimziApis(client.supports(apiVersion, "KafkaTopic"), client.supports(apiVersion, "KafkaUser"));
    }
}
