package dev.interactiondemo.operator.observe;

import dev.interactiondemo.api.spec.TopicManagement;

import java.util.Map;

/**
 * What an observer reads (and, in Direct mode, keeps in place) for one demo: its topic and consumer group.
 *
 * @param management  Direct: the observer creates the topic (only ever its own) and grows its partitions; External:
 *                    it checks that the topic exists; Strimzi: the KafkaTopic is Strimzi's business, the observer
 *                    only counts, and only once {@code countable}
 * @param ownedTopicId Direct: the id of the topic the demo created, or null before it created one
 * @param countable   Strimzi: whether the KafkaTopic is Ready for its current spec (counts are read only then)
 * @param mayCreate   Direct: whether the demo's status records that it is creating the topic (so that a topic of
 *                    that name is known to be its own even if the operator stops before recording the id)
 */
public record KafkaTarget(String topic, String groupId, TopicManagement management, int partitions, int replicas,
                          Map<String, String> config, String ownedTopicId, boolean countable, boolean mayCreate) {
}
