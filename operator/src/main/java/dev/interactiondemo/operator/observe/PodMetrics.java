package dev.interactiondemo.operator.observe;

import dev.interactiondemo.engine.PodFigures;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The Hosts' and Workers' own figures, read from their {@code /metrics} asynchronously, at most once per status
 * interval per demo: a reconcile asks for the latest and gets it at once; a reading that changes the figures is
 * reported to {@code onChange}. Only Running pods with an IP are asked, each with a deadline.
 */
public final class PodMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(PodMetrics.class);
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private static final PodFigures NOTHING = new PodFigures(null, null, null, null, null, null, null, null, null,
            null, null, null);

    private final Function<Pod, URI> endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(DEADLINE).build();
    private final LatestReadings<PodFigures> readings;

    /** @param endpoint where a pod's metrics are: {@code http://<pod IP>:8080/metrics} in a cluster */
    public PodMetrics(Duration interval, Clock clock, Function<Pod, URI> endpoint) {
        this.readings = new LatestReadings<>(interval, clock);
        this.endpoint = endpoint;
    }

    public static URI inCluster(Pod pod, int port) {
        return URI.create("http://" + pod.getStatus().getPodIP() + ":" + port + "/metrics");
    }

    public void onChange(Consumer<ResourceID> listener) {
        readings.onChange(listener);
    }

    /** The latest figures of a demo's pods; starts a new reading of {@code hosts} and {@code workers} when stale. */
    public Optional<PodFigures> latest(ResourceID demo, List<Pod> hosts, List<Pod> workers) {
        return readings.latest(demo, () -> read(demo, running(hosts), running(workers)));
    }

    public void forget(ResourceID demo) {
        readings.forget(demo);
    }

    private static List<Pod> running(List<Pod> pods) {
        return pods.stream().filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null
                && "Running".equals(p.getStatus().getPhase()) && p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    private void read(ResourceID demo, List<Pod> hosts, List<Pod> workers) {
        var hostTexts = hosts.stream().map(this::scrape).toList();
        var workerTexts = workers.stream().map(this::scrape).toList();
        CompletableFuture.allOf(Stream.concat(hostTexts.stream(), workerTexts.stream())
                .toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
                    List<PromText> h = hostTexts.stream().map(f -> f.getNow(null)).filter(Objects::nonNull).toList();
                    List<PromText> w = workerTexts.stream().map(f -> f.getNow(null)).filter(Objects::nonNull).toList();
                    try {
                        done(demo, h, w);
                    } catch (RuntimeException e) {
                        LOG.warn("Could not read the pods' metrics of {}: {}", demo, e.toString());
                        readings.done(demo, readings.previous(demo).orElse(NOTHING));
                    }
                });
    }

    private CompletableFuture<PromText> scrape(Pod pod) {
        return http.sendAsync(HttpRequest.newBuilder(endpoint.apply(pod)).timeout(DEADLINE).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> r.statusCode() == 200 ? new PromText(r.body()) : null)
                .exceptionally(t -> null);
    }

    private void done(ResourceID demo, List<PromText> hosts, List<PromText> workers) {
        PodFigures before = readings.previous(demo).orElse(NOTHING);
        long calls = (long) sum(hosts, "notifier_greeter_calls_total");
        long failures = (long) sum(hosts, "notifier_greeter_failures_total");
        Double errorRate = hosts.isEmpty() ? null : PodFigures.errorRate(Objects.requireNonNullElse(before.calls(),
                0L), Objects.requireNonNullElse(before.failures(), 0L), calls, failures);
        PodFigures f = new PodFigures(
                hosts.isEmpty() ? null : calls, hosts.isEmpty() ? null : failures, errorRate,
                quantileMs(hosts, "notifier_greeter_latency_quantiles_seconds", "0.5"),
                quantileMs(hosts, "notifier_greeter_latency_quantiles_seconds", "0.99"),
                hosts.isEmpty() ? null : hosts.stream().anyMatch(t -> Objects.requireNonNullElse(
                        t.sum("notifier_greeter_blocked"), 0.0) > 0),
                workers.isEmpty() ? null : (long) sum(workers, "notifier_delivered_total"),
                workers.isEmpty() ? null : (long) sum(workers, "notifier_duplicates_total"),
                workers.isEmpty() ? null : (long) sum(workers, "notifier_lost_total"),
                quantileMs(workers, "notifier_end_to_end_latency_quantiles_seconds", "0.5"),
                quantileMs(workers, "notifier_end_to_end_latency_quantiles_seconds", "0.99"),
                workers.isEmpty() ? null : new PodFigures.Polls(
                        quantileMs(workers, "notifier_wait_in_kafka_quantiles_seconds", "0.5"),
                        quantileMs(workers, "notifier_wait_in_kafka_quantiles_seconds", "0.99"),
                        highest(workers, t -> t.with("notifier_poll_records", "quantile", "0.5")),
                        highest(workers, t -> t.sum("notifier_poll_records_max"))));
        readings.done(demo, f);
    }

    private static double sum(List<PromText> texts, String name) {
        return texts.stream().map(t -> t.sum(name)).filter(Objects::nonNull).mapToDouble(Double::doubleValue).sum();
    }

    /** The highest of the pods' quantile, in ms, rounded to 0.1 ms (the slowest pod is what a learner waits on). */
    private static Double quantileMs(List<PromText> texts, String name, String quantile) {
        Double seconds = highest(texts, t -> t.with(name, "quantile", quantile));
        return seconds == null ? null : Math.round(seconds * 10_000) / 10.0;
    }

    /** The highest of the pods' values of a figure; null when no pod has it. */
    private static Double highest(List<PromText> texts, Function<PromText, Double> figure) {
        return texts.stream().map(figure).filter(Objects::nonNull).filter(v -> !v.isNaN()).max(Double::compare)
                .orElse(null);
    }
}
