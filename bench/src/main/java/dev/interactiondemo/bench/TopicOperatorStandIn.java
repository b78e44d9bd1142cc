package dev.interactiondemo.bench;

import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.common.Threads;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays Strimzi's Topic Operator for one namespace, since none runs here: for each KafkaTopic whose status is not
 * about its current generation, it creates the topic on the bench's broker (Admin API) and writes the status the
 * Topic Operator writes ({@code observedGeneration} = {@code metadata.generation}, {@code topicName},
 * {@code topicId}, condition {@code Ready=True}), one merge patch of {@code kafkatopics/status} per KafkaTopic. It
 * watches (one WATCH, no LIST) rather than runs an informer, so that every {@code LIST kafkatopics} the API server
 * counts is the operator's. Its status patches are the Topic Operator's requests, not the operator's:
 * {@link #STATUS_REQUESTS} names them for the cases to set apart.
 */
final class TopicOperatorStandIn implements AutoCloseable {
    /** The requests of this stand-in, as {@link OperatorRig#requestsBetween} names them. */
    static final String STATUS_REQUESTS = "kafkatopics/status";

    private final KubernetesClient client;
    private final BenchBroker broker;
    private final String ns;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, Threads.daemon("topic-operator-stand-in"));
    /** KafkaTopic name → the generation being made Ready, so that one generation is acted on once. */
    private final Map<String, Long> acting = new ConcurrentHashMap<>();
    private final Set<String> failures = ConcurrentHashMap.newKeySet();
    private final AtomicInteger topicsCreated = new AtomicInteger();
    private final AtomicInteger statusPatches = new AtomicInteger();
    private final Watch watch;

    TopicOperatorStandIn(KubernetesClient client, BenchBroker broker, String ns) {
        this.client = client;
        this.broker = broker;
        this.ns = ns;
        this.watch = client.genericKubernetesResources(OperatorRig.KAFKA_TOPIC).inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource topic) {
                if (action == Action.ADDED || action == Action.MODIFIED) {
                    onChange(topic);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                Log.info("topic operator stand-in: the watch of KafkaTopics in %s closed: %s", ns, cause);
            }
        });
    }

    private void onChange(GenericKubernetesResource topic) {
        String name = topic.getMetadata().getName();
        Long generation = topic.getMetadata().getGeneration();
        Object observed = status(topic).get("observedGeneration");
        if (generation == null || (observed instanceof Number o && o.longValue() == generation)) {
            return;
        }
        if (generation.equals(acting.put(name, generation))) {
            return; // already on it
        }
        workers.execute(() -> makeReady(name, generation, spec(topic)));
    }

    private void makeReady(String name, long generation, Map<?, ?> spec) {
        String topicName = spec.get("topicName") instanceof String s ? s : name;
        int partitions = spec.get("partitions") instanceof Number n ? n.intValue() : 1;
        short replicas = spec.get("replicas") instanceof Number n ? n.shortValue() : 1;
        try {
            TopicAdmin.Made made = TopicAdmin.createOrFind(broker.admin, topicName, partitions, replicas,
                    BenchBroker.TOPIC_TIMEOUT);
            if (made.created()) {
                topicsCreated.incrementAndGet();
            }
            String topicId = made.topicId();
            Map<String, Object> status = Map.of("status", Map.of(
                    "observedGeneration", generation,
                    "topicName", topicName,
                    "topicId", topicId,
                    "conditions", List.of(Map.of("type", "Ready", "status", "True",
                            "lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))));
            client.genericKubernetesResources(OperatorRig.KAFKA_TOPIC).inNamespace(ns).withName(name)
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(status));
            statusPatches.incrementAndGet();
        } catch (Exception e) {
            failures.add(name + ": " + e);
            acting.remove(name, generation); // the next event about it tries again
            Log.info("topic operator stand-in: KafkaTopic %s/%s: %s", ns, name, e);
        }
    }

    private static Map<?, ?> status(GenericKubernetesResource topic) {
        return topic.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? m : Map.of();
    }

    private static Map<?, ?> spec(GenericKubernetesResource topic) {
        return topic.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
    }

    /** Topics it created on the broker. */
    int topicsCreated() {
        return topicsCreated.get();
    }

    /** Status patches it made (its requests to the API server besides its one WATCH). */
    int statusPatches() {
        return statusPatches.get();
    }

    /** What went wrong, per KafkaTopic (each is tried again on its next event). */
    Set<String> failures() {
        return failures;
    }

    @Override
    public void close() {
        watch.close();
        workers.shutdownNow();
    }
}
