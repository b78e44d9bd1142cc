package dev.interactiondemo.operator.observe;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
        var future = HealthGrpc.newFutureStub(channel).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(GreeterHealthCheck.SERVICE).build());
        Futures.addCallback(future, new FutureCallback<>() {
            @Override
            public void onSuccess(HealthCheckResponse response) {
                readings.done(demo, new GreeterHealthCheck.Health(response.getStatus().name(), ""));
            }

            @Override
            public void onFailure(Throwable t) {
                Status s = Status.fromThrowable(t);
                readings.done(demo, s.getCode() == Status.Code.NOT_FOUND
                        ? new GreeterHealthCheck.Health("SERVICE_UNKNOWN", "no health status for " + GreeterHealthCheck.SERVICE)
                        : new GreeterHealthCheck.Health("UNREACHABLE", s.getCode()
                        + (s.getDescription() == null ? "" : ": " + s.getDescription())));
            }
        }, MoreExecutors.directExecutor());
    }

    public void forget(ResourceID demo) {
        readings.forget(demo);
    }
}
