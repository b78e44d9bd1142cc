package dev.interactiondemo.operator.observe;

import dev.interactiondemo.api.Names;
import io.fabric8.kubernetes.api.model.Pod;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * What the reconciler learns the outside world from, without waiting on it: Kafka observers, the Greeters' health
 * and the Hosts' and Workers' own metrics.
 */
public record Observers(KafkaObservers kafka, GreeterHealth greeters, PodMetrics pods) implements AutoCloseable {
    public static Observers every(Duration interval, Clock clock) {
        return every(interval, clock, pod -> PodMetrics.inCluster(pod, Names.NOTIFIER_HTTP_PORT));
    }

    /** @param podMetrics where a Host's or Worker's /metrics are (tests run them outside a cluster) */
    public static Observers every(Duration interval, Clock clock, Function<Pod, URI> podMetrics) {
        return new Observers(new KafkaObservers(interval, clock), new GreeterHealth(interval, clock),
                new PodMetrics(interval, clock, podMetrics));
    }

    @Override
    public void close() {
        kafka.close();
    }
}
