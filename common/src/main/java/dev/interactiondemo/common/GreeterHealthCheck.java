package dev.interactiondemo.common;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Asks the Greeter's {@code grpc.health.v1.Health} service how it is, as a load balancer would. */
public final class GreeterHealthCheck {
    /** The service name the Greeter registers its health under. */
    public static final String SERVICE = "greet.Greeter";

    private GreeterHealthCheck() {
    }

    /** The answer: {@code serving} is SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN or UNREACHABLE. */
    public record Health(String serving, String detail) {
        public boolean isServing() {
            return "SERVING".equals(serving);
        }
    }

    /**
     * Asks once, without waiting: the answer completes the future within {@code deadline}. Never fails: a failed call
     * is an {@code UNREACHABLE} (or {@code SERVICE_UNKNOWN}) answer.
     */
    public static CompletableFuture<Health> ask(Channel channel, Duration deadline) {
        CompletableFuture<Health> answer = new CompletableFuture<>();
        var call = HealthGrpc.newFutureStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(SERVICE).build());
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(HealthCheckResponse response) {
                answer.complete(new Health(response.getStatus().name(), ""));
            }

            @Override
            public void onFailure(Throwable t) {
                answer.complete(failed(Status.fromThrowable(t)));
            }
        }, MoreExecutors.directExecutor());
        return answer;
    }

    /** Asks once and waits for the answer, at most {@code deadline}; never throws. */
    public static Health check(Channel channel, Duration deadline) {
        return ask(channel, deadline).join();
    }

    private static Health failed(Status s) {
        if (s.getCode() == Status.Code.NOT_FOUND) {
            return new Health("SERVICE_UNKNOWN", "no health status for " + SERVICE);
        }
        return new Health("UNREACHABLE", s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
    }
}
