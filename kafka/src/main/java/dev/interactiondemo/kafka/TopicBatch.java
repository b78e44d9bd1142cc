package dev.interactiondemo.kafka;

import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The topic changes that several demos of one Kafka cluster ask for at about the same time (creating their topics,
 * growing them), made together as {@link TopicAdmin#ensureAll} makes them: one describe, one create and one grow for a
 * burst of new demos, not three round trips each. The first caller of a batch waits {@link #LINGER} for the others,
 * makes the calls and hands every caller its own outcome; the others wait for it.
 */
public final class TopicBatch {
    /** How long the first change of a batch waits for others. */
    static final Duration LINGER = Duration.ofMillis(20);

    private final String principal;
    /** The changes of the batch being gathered, by key; null when none is. */
    private Map<Object, TopicAdmin.Want> gathering;
    private CompletableFuture<Map<Object, TopicObservation>> outcome;

    /** @param principal who the Admin client is to Kafka's ACLs, for the messages of refusals */
    public TopicBatch(String principal) {
        this.principal = principal;
    }

    /** Makes {@code want} true of the topic, with the other changes of the moment; the topic as found or made. */
    public TopicObservation ensure(Admin admin, Object key, TopicAdmin.Want want) {
        CompletableFuture<Map<Object, TopicObservation>> result;
        boolean first;
        synchronized (this) {
            first = gathering == null;
            if (first) {
                gathering = new LinkedHashMap<>();
                outcome = new CompletableFuture<>();
            }
            gathering.put(key, want);
            result = outcome;
        }
        if (first) {
            pause();
            Map<Object, TopicAdmin.Want> batch;
            synchronized (this) {
                batch = gathering;
                gathering = null;
            }
            try {
                result.complete(TopicAdmin.ensureAll(admin, batch, principal));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
        try {
            return result.join().get(key);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(LINGER.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
