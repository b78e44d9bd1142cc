package dev.interactiondemo.notifier;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Chooses a record's partition from its key exactly as Kafka's default partitioner does
 * ({@code murmur2(key) mod partitions}), so records for one recipient stay in one partition. The Host computes it
 * itself because it numbers its records per partition, the only unit Kafka keeps in order.
 */
final class Partitions {
    private Partitions() {
    }

    static int forKey(String key, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("a topic has at least one partition, got " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
