package dev.interactiondemo.common;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health check against a real gRPC server with the standard health service, as the Greeter serves it. */
class GreeterHealthCheckTest {

    @Test
    void theAnswerIsTheServiceStatusOrWhyThereIsNone() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(health.getHealthService()).build().start();
        ManagedChannel channel = Grpc.newChannelBuilder("localhost:" + server.getPort(),
                InsecureChannelCredentials.create()).build();
        try {
            GreeterHealthCheck.Health unknown = GreeterHealthCheck.check(channel, Duration.ofSeconds(5));
            assertEquals("SERVICE_UNKNOWN", unknown.serving(), unknown.toString());
            assertTrue(unknown.detail().contains(GreeterHealthCheck.SERVICE), unknown.detail());

            health.setStatus(GreeterHealthCheck.SERVICE, ServingStatus.SERVING);
            GreeterHealthCheck.Health up = GreeterHealthCheck.check(channel, Duration.ofSeconds(5));
            assertTrue(up.isServing(), up.toString());

            health.setStatus(GreeterHealthCheck.SERVICE, ServingStatus.NOT_SERVING);
            GreeterHealthCheck.Health notServing = GreeterHealthCheck.check(channel, Duration.ofSeconds(5));
            assertEquals("NOT_SERVING", notServing.serving());
            assertFalse(notServing.isServing());

            server.shutdownNow().awaitTermination();
            GreeterHealthCheck.Health down = GreeterHealthCheck.check(channel, Duration.ofSeconds(2));
            assertEquals("UNREACHABLE", down.serving());
            assertTrue(down.detail().startsWith("UNAVAILABLE"), down.detail());
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
