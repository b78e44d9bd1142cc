package dev.interactiondemo.operator.observe;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import dev.interactiondemo.probes.GreeterProbe;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The Greeters' gRPC health, checked asynchronously: a reconcile asks for the latest answer and, when it is older than
 * the status interval, starts a new check with a deadline, whose answer arrives later. An answer that differs from
 * the previous one is reported to {@code onChange}, so the status follows within one round trip.
 */
public final class GreeterHealth {
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private record Entry(GreeterProbe.Health health, Instant at, boolean checking) {
    }

    private final Duration interval;
    private final Clock clock;
    private volatile Consumer<ResourceID> onChange = id -> { };
    private final Map<ResourceID, Entry> entries = new ConcurrentHashMap<>();

    public GreeterHealth(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    public void onChange(Consumer<ResourceID> listener) {
        this.onChange = listener;
    }

    /** The latest answer for {@code demo}'s Greeter; starts a check on {@code channel} if that answer is stale. */
    public Optional<GreeterProbe.Health> latest(ResourceID demo, Channel channel) {
        Instant now = clock.instant();
        AtomicBoolean startNow = new AtomicBoolean();
        Entry e = entries.compute(demo, (k, before) -> {
            boolean stale = before == null || before.at() == null || !before.at().plus(interval).isAfter(now);
            if (before != null && (before.checking() || !stale)) {
                return before;
            }
            startNow.set(true);
            return new Entry(before == null ? null : before.health(), before == null ? null : before.at(), true);
        });
        if (startNow.get()) {
            start(demo, channel);
        }
        return Optional.ofNullable(e.health());
    }

    private void start(ResourceID demo, Channel channel) {
        var future = HealthGrpc.newFutureStub(channel).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(GreeterProbe.SERVICE).build());
        Futures.addCallback(future, new FutureCallback<>() {
            @Override
            public void onSuccess(HealthCheckResponse response) {
                done(demo, new GreeterProbe.Health(response.getStatus().name(), ""));
            }

            @Override
            public void onFailure(Throwable t) {
                Status s = Status.fromThrowable(t);
                done(demo, s.getCode() == Status.Code.NOT_FOUND
                        ? new GreeterProbe.Health("SERVICE_UNKNOWN", "no health status for " + GreeterProbe.SERVICE)
                        : new GreeterProbe.Health("UNREACHABLE", s.getCode()
                        + (s.getDescription() == null ? "" : ": " + s.getDescription())));
            }
        }, MoreExecutors.directExecutor());
    }

    private void done(ResourceID demo, GreeterProbe.Health health) {
        Entry before = entries.get(demo);
        if (before == null) {
            return; // forgotten meanwhile
        }
        entries.put(demo, new Entry(health, clock.instant(), false));
        if (!health.equals(before.health())) {
            onChange.accept(demo);
        }
    }

    public void forget(ResourceID demo) {
        entries.remove(demo);
    }

    /** For tests: how many demos have an entry. */
    public int size() {
        return entries.size();
    }
}
