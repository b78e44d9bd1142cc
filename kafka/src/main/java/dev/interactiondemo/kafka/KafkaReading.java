package dev.interactiondemo.kafka;

import java.time.Instant;

/**
 * Message counts read from Kafka itself at one instant.
 *
 * @param produced sum of the topic's end offsets: every record ever appended
 * @param consumed sum of the consumer group's committed offsets on the topic
 * @param lag      records appended but not yet committed by the group, summed over partitions
 */
public record KafkaReading(Instant at, long produced, long consumed, long lag) {
}
