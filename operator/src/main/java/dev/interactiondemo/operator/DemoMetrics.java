package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.engine.Conditions;
import dev.interactiondemo.engine.StatusConditions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The figures a dashboard wants of each demo, as gauges labelled {@code namespace} and {@code name}: messages
 * produced, consumed and waiting, and whether the demo is Ready. They go with their demo, so {@code /metrics} grows
 * with the demos that exist, never with those that once existed.
 */
public final class DemoMetrics {
    private static final class Values {
        volatile double produced = Double.NaN;
        volatile double consumed = Double.NaN;
        volatile double lag = Double.NaN;
        volatile double ready;
        final List<Meter> meters = new ArrayList<>();
    }

    private final MeterRegistry registry;
    private final Map<String, Values> demos = new ConcurrentHashMap<>();

    public DemoMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(InteractionDemo demo, InteractionDemoStatus status) {
        Values v = demos.computeIfAbsent(Names.key(demo), k -> register(demo));
        if (status.getMessages() != null) {
            v.produced = status.getMessages().getProduced();
            v.consumed = status.getMessages().getConsumed();
            v.lag = status.getMessages().getLag();
        }
        v.ready = Conditions.find(status.getConditions(), StatusConditions.READY).map(Conditions::isTrue)
                .orElse(false) ? 1 : 0;
    }

    void forget(InteractionDemo demo) {
        Values v = demos.remove(Names.key(demo));
        if (v != null) {
            v.meters.forEach(registry::remove);
        }
    }

    /** How many demos have gauges (for tests). */
    int size() {
        return demos.size();
    }

    private Values register(InteractionDemo demo) {
        Values v = new Values();
        Tags tags = Tags.of("namespace", demo.getMetadata().getNamespace(), "name", demo.getMetadata().getName());
        v.meters.add(Gauge.builder("interactiondemo_messages_produced", v, x -> x.produced).tags(tags)
                .description("Notifications in the demo's topic (the sum of its end offsets)").register(registry));
        v.meters.add(Gauge.builder("interactiondemo_messages_consumed", v, x -> x.consumed).tags(tags)
                .description("Notifications the demo's consumer group committed").register(registry));
        v.meters.add(Gauge.builder("interactiondemo_messages_lag", v, x -> x.lag).tags(tags)
                .description("Notifications waiting in Kafka for the demo's Workers").register(registry));
        v.meters.add(Gauge.builder("interactiondemo_ready", v, x -> x.ready).tags(tags)
                .description("1 when the demo's Ready condition is True").register(registry));
        return v;
    }
}
