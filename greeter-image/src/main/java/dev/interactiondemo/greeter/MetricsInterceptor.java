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

import java.util.concurrent.TimeUnit;

/**
 * Counts every call by method and status code ({@code greeter_calls_total}) and records its latency as a histogram
 * ({@code greeter_call_duration_seconds}).
 */
final class MetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry registry;

    MetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                String code = status.getCode().name();
                Counter.builder("greeter.calls")
                        .description("gRPC calls handled, by method and status code")
                        .tag("method", method).tag("code", code)
                        .register(registry).increment();
                Timer.builder("greeter.call.duration")
                        .description("gRPC call latency, from start to status")
                        .tag("method", method).tag("code", code)
                        .publishPercentileHistogram()
                        .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                super.close(status, trailers);
            }
        }, headers);
    }
}
