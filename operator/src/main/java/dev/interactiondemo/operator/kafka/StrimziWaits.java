package dev.interactiondemo.operator.kafka;

import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when each demo's KafkaTopic (or KafkaUser) has been waiting for Strimzi's Topic (User) Operator to act on
 * its current spec: its creation for the first generation, else the moment this operator first saw the generation.
 * (After an operator restart the wait of a later generation starts again: the status then says "waiting" a little
 * longer, never less.)
 */
public final class StrimziWaits {
    private record Seen(long generation, Instant since) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public Instant since(String demo, ObjectMeta metadata, Instant now) {
        Long g = metadata.getGeneration();
        String created = metadata.getCreationTimestamp();
        if (g == null || g <= 1) {
            return created == null ? now : Instant.parse(created);
        }
        return seen.compute(demo, (k, s) -> s != null && s.generation() == g ? s : new Seen(g, now)).since();
    }

    public void forget(String demo) {
        seen.remove(demo);
    }
}
