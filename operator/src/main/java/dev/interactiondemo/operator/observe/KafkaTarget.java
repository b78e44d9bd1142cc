package dev.interactiondemo.operator.observe;

import dev.interactiondemo.api.spec.TopicManagement;

import java.util.Map;

/**
 * What an observer reads for one demo: its topic and consumer group. It only looks: a Direct topic is created and
 * grown by the demo's topic dependent.
 *
 * @param management  Direct: the observer checks the topic is the demo's own (by id) and has its partitions;
 *                    External: it checks that the topic exists; Strimzi: the KafkaTopic is Strimzi's business, the
 *                    observer only counts, and only once {@code countable}
 * @param ownedTopicId Direct: the id of the topic the demo created, or null before it created one
 * @param countable   Strimzi: whether the KafkaTopic is Ready for its current spec (counts are read only then)
 */
public record KafkaTarget(String topic, String groupId, TopicManagement management, int partitions, int replicas,
                          Map<String, String> config, String ownedTopicId, boolean countable) {
}
