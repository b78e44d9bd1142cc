package dev.interactiondemo.kafka;

/**
 * What the operator knows of the topic.
 *
 * @param reason     CamelCase reason for the TopicReady condition
 * @param partitions as Kafka or Strimzi reports them; null when unknown
 * @param topicId    Direct mode: the id of the topic the operator created for the demo; null otherwise
 */
public record TopicObservation(boolean ready, String reason, String message, Integer partitions, String topicId) {
    /** Direct mode: the reason of a topic found missing before the demo recorded its intent to create it. */
    public static final String CREATING = "Creating";

    public static TopicObservation ready(String reason, String message, Integer partitions) {
        return new TopicObservation(true, reason, message, partitions, null);
    }

    public static TopicObservation notReady(String reason, String message) {
        return new TopicObservation(false, reason, message, null, null);
    }

    public TopicObservation withTopicId(String id) {
        return new TopicObservation(ready, reason, message, partitions, id);
    }
}
