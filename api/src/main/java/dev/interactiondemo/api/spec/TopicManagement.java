package dev.interactiondemo.api.spec;

import dev.interactiondemo.api.InteractionDemo;

/** Who creates and owns the topic. */
public enum TopicManagement {
    /** A Strimzi KafkaTopic resource, reconciled by the Strimzi Topic Operator of clusterName. */
    Strimzi,
    /** The operator creates the topic with Kafka's Admin API, and deletes it when the InteractionDemo is deleted. */
    Direct,
    /** The topic must already exist; the operator only checks it. */
    External
}
