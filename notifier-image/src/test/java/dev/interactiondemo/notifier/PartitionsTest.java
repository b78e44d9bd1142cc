package dev.interactiondemo.notifier;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionsTest {
    @Test
    void agreesWithKafkasOwnKeyPartitioning() {
        for (String key : new String[] {"Alice", "Bob", "Carol", "Żaneta", "", "a-much-longer-recipient-name"}) {
            for (int partitions = 1; partitions <= 12; partitions++) {
                assertEquals(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions),
                        Partitions.forKey(key, partitions), key + " over " + partitions);
            }
        }
    }

    @Test
    void needsAPartition() {
        assertThrows(IllegalArgumentException.class, () -> Partitions.forKey("a", 0));
    }
}
