package dev.interactiondemo.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * A latency as two meters, since Micrometer's Prometheus registry exposes a Timer either as a histogram or with
 * quantiles, not both:
 * <ul>
 *   <li>{@code <name>_seconds} (histogram: {@code _bucket{le}}, {@code _count}, {@code _sum}; and {@code _max}), for
 *       {@code histogram_quantile} over several pods (the chart's dashboard);</li>
 *   <li>{@code <name>_quantiles_seconds} (summary: {@code {quantile="0.5"}}, {@code {quantile="0.99"}},
 *       {@code _count}, {@code _sum}; and {@code _max}), p50 and p99 over the last two minutes or so, read as they
 *       are (the operator's status).</li>
 * </ul>
 */
final class Latency {
    private final Timer histogram;
    private final Timer quantiles;

    /** @param name the meter's name in Micrometer's dotted form, e.g. {@code notifier.greeter.latency} */
    Latency(MeterRegistry registry, String name, String description) {
        this.histogram = Timer.builder(name).description(description).publishPercentileHistogram()
                .register(registry);
        this.quantiles = Timer.builder(name + ".quantiles").description(description + ": p50 and p99, recent")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void record(long nanos) {
        histogram.record(nanos, TimeUnit.NANOSECONDS);
        quantiles.record(nanos, TimeUnit.NANOSECONDS);
    }

    double p50Millis() {
        return quantiles.percentile(0.5, TimeUnit.MILLISECONDS);
    }

    double p99Millis() {
        return quantiles.percentile(0.99, TimeUnit.MILLISECONDS);
    }
}
