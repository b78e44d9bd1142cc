package dev.interactiondemo.notifier;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Host's meters ({@code notifier.*}): what Kafka acknowledged, the Greeter calls, their failures and latency,
 * and the gauges over the calls under way and the outbox; and the {@link NotificationHost.Stats} read from them.
 */
final class HostMeters {
    private final MeterRegistry registry;
    final Counter sent;
    final Counter sendFailures;
    final Counter greeterCalls;
    private final Latency greeterLatency;
    /** Whether the last SayHello failed (no call succeeded since): the Host publishes nothing meanwhile. */
    private final AtomicBoolean greeterBlocked = new AtomicBoolean();
    private final NotificationOutbox outbox;

    /**
     * @param inFlight    the permits of the Greeter calls ({@code callPermits} of them), one taken per call under way
     * @param callPermits how many calls may be under way at once
     */
    HostMeters(MeterRegistry registry, Semaphore inFlight, int callPermits, NotificationOutbox outbox) {
        this.registry = registry;
        this.outbox = outbox;
        this.sent = Counter.builder("notifier.sent").description("notifications Kafka acknowledged")
                .register(registry);
        this.sendFailures = Counter.builder("notifier.send.failures")
                .description("sends Kafka did not take (after the producer's own retries); each is sent again")
                .register(registry);
        this.greeterCalls = Counter.builder("notifier.greeter.calls").description("SayHello calls made, retries included")
                .register(registry);
        for (Status.Code code : List.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED)) {
            greeterFailures(code); // the usual codes show from the start, at 0
        }
        this.greeterLatency = new Latency(registry, "notifier.greeter.latency", "latency of successful SayHello calls");
        Gauge.builder("notifier.greeter.blocked", greeterBlocked, b -> b.get() ? 1 : 0)
                .description("1 while the last SayHello failed and none succeeded since: the Host publishes nothing")
                .register(registry);
        registry.gauge("notifier.greeter.in.flight", inFlight, s -> callPermits - s.availablePermits());
        Gauge.builder("notifier.pending", outbox, NotificationOutbox::size)
                .description("notifications waiting for Kafka's acknowledgement").register(registry);
    }

    /** A SayHello failed with {@code code}: counted by code, and the Host is blocked until one succeeds. */
    void greeterFailed(Status.Code code) {
        greeterFailures(code).increment();
        greeterBlocked.set(true);
    }

    /** A SayHello succeeded after {@code latencyNanos}: the Host is no longer blocked. */
    void greeted(long latencyNanos) {
        greeterLatency.record(latencyNanos);
        greeterBlocked.set(false);
    }

    /** Counts so far. */
    NotificationHost.Stats stats() {
        return new NotificationHost.Stats((long) sent.count(), (long) sendFailures.count(),
                (long) greeterCalls.count(), greeterFailures(), greeterLatency.p50Millis(), greeterLatency.p99Millis(),
                outbox.size());
    }

    private long greeterFailures() {
        return (long) registry.find("notifier.greeter.failures").counters().stream().mapToDouble(Counter::count).sum();
    }

    private Counter greeterFailures(Status.Code code) {
        return Counter.builder("notifier.greeter.failures").description("failed SayHello calls, by status code")
                .tag("code", code.name()).register(registry);
    }
}
