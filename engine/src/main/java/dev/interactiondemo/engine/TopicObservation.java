package dev.interactiondemo.engine;

/**
 * What the operator knows of the topic.
 *
 * @param reason     CamelCase reason for the TopicReady condition
 * @param partitions as Kafka or Strimzi reports them; null when unknown
 * @param topicId    Direct mode: the id of the topic the operator created for the demo; null otherwise
 */
public record TopicObservation(boolean ready, String reason, String message, Integer partitions, String topicId) {
    /** Direct mode: the reason while no topic of the demo's name exists and the operator is about to create it. */
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
