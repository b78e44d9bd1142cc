package dev.interactiondemo.operator.kafka;

/**
 * What the operator knows of the topic.
 *
 * @param reason     CamelCase reason for the TopicReady condition
 * @param partitions as Kafka or Strimzi reports them; null when unknown
 */
public record TopicObservation(boolean ready, String reason, String message, Integer partitions) {

    public static TopicObservation ready(String reason, String message, Integer partitions) {
        return new TopicObservation(true, reason, message, partitions);
    }

    public static TopicObservation notReady(String reason, String message) {
        return new TopicObservation(false, reason, message, null);
    }
}
