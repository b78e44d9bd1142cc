package dev.interactiondemo.common;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;

import java.time.Duration;
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

    /** Asks once, waiting at most {@code deadline}; never throws: a failed call is an {@code UNREACHABLE} answer. */
    public static Health check(Channel channel, Duration deadline) {
        try {
            var response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(SERVICE).build());
            return new Health(response.getStatus().name(), "");
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            if (s.getCode() == Status.Code.NOT_FOUND) {
                return new Health("SERVICE_UNKNOWN", "no health status for " + SERVICE);
            }
            return new Health("UNREACHABLE", s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
        }
    }
}
