package dev.interactiondemo.greeter;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts every call by method and status code ({@code greeter_calls_total}) and records its latency as a histogram
 * ({@code greeter_call_duration_seconds}). The meters of a method and code are looked up once and kept: building and
 * registering them on every call (tags sorted, an id hashed, the registry searched) cost more than the call itself.
 */
final class MetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;
    /** Per full method name, per status code (by ordinal): the two meters, made on first use. */
    private final Map<String, AtomicReferenceArray<Meters>> meters = new ConcurrentHashMap<>();

    MetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A call's two meters. */
    private record Meters(Counter calls, Timer duration) {
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        AtomicReferenceArray<Meters> byCode = meters.computeIfAbsent(call.getMethodDescriptor().getFullMethodName(),
                method -> new AtomicReferenceArray<>(Status.Code.values().length));
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Meters m = meters(byCode, call.getMethodDescriptor().getFullMethodName(), status.getCode());
                m.calls().increment();
                m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                super.close(status, trailers);
            }
        }, headers);
    }

    private Meters meters(AtomicReferenceArray<Meters> byCode, String method, Status.Code code) {
        Meters m = byCode.get(code.ordinal());
        if (m == null) { // registering the same meters twice returns the same ones: a race here is harmless
            m = new Meters(
                    Counter.builder("greeter.calls")
                            .description("gRPC calls handled, by method and status code")
                            .tag("method", method).tag("code", code.name())
                            .register(registry),
                    Timer.builder("greeter.call.duration")
                            .description("gRPC call latency, from start to status")
                            .tag("method", method).tag("code", code.name())
                            .publishPercentileHistogram()
                            .register(registry));
            byCode.set(code.ordinal(), m);
        }
        return m;
    }
}
