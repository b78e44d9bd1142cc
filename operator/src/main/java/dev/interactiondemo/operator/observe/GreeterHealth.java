package dev.interactiondemo.operator.observe;

import dev.interactiondemo.common.GreeterHealthCheck;
import io.grpc.Channel;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Greeters' gRPC health, checked asynchronously: a reconcile asks for the latest answer and, when it is older than
 * the status interval, starts a new check with a deadline, whose answer arrives later. An answer that differs from
 * the previous one is reported to {@code onChange}, so the status follows within one round trip.
 */
public final class GreeterHealth {
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private final LatestReadings<GreeterHealthCheck.Health> readings;

    public GreeterHealth(Duration interval, Clock clock) {
        this.readings = new LatestReadings<>(interval, clock);
    }

    public void onChange(Consumer<ResourceID> listener) {
        readings.onChange(listener);
    }

    /** The latest answer for {@code demo}'s Greeter; starts a check on {@code channel} if that answer is stale. */
    public Optional<GreeterHealthCheck.Health> latest(ResourceID demo, Channel channel) {
        return readings.latest(demo, () -> start(demo, channel));
    }

    private void start(ResourceID demo, Channel channel) {
        GreeterHealthCheck.ask(channel, DEADLINE).thenAccept(answer -> readings.done(demo, answer));
    }

    public void forget(ResourceID demo) {
        readings.forget(demo);
    }
}
