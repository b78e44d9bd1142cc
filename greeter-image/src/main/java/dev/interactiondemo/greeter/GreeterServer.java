package dev.interactiondemo.greeter;

import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.greet.GreeterGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: {@code greet.Greeter}, {@code grpc.health.v1.Health} and server reflection (v1 and v1alpha, so
 * {@code grpcurl} can list and call it).
 *
 * <p>Shutdown drains: health turns NOT_SERVING, the server keeps accepting for {@code drainDelay} (time for load
 * balancers and Kubernetes endpoints to notice), then stops accepting and lets in-flight calls finish within
 * {@code grace}; calls still running after that are cancelled.
 */
public final class GreeterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GreeterServer.class);
    private static final String SERVICE = GreeterGrpc.SERVICE_NAME;

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private volatile boolean draining;

    private GreeterServer(int port, GreeterService service, MeterRegistry registry) {
        this.server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, new MetricsInterceptor(registry)))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance())
                .build();
    }

    /**
     * Starts serving on {@code port} (0 picks a free one).
     *
     * @param portSetting how an error names the port setting when the port is taken
     */
    public static GreeterServer start(int port, String portSetting, GreeterService service, MeterRegistry registry) {
        GreeterServer s = new GreeterServer(port, service, registry);
        try {
            s.server.start();
        } catch (IOException e) {
            if (isAddressInUse(e)) {
                throw new PortInUseException(port, portSetting, e);
            }
            throw new UncheckedIOException("cannot start the gRPC server on port " + port, e);
        }
        s.health.setStatus("", ServingStatus.SERVING);
        s.health.setStatus(SERVICE, ServingStatus.SERVING);
        LOG.info("Greeter serving on port {}", s.port());
        return s;
    }

    private static boolean isAddressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    public int port() {
        return server.getPort();
    }

    public boolean isTerminated() {
        return server.isTerminated();
    }

    /** True from the start of {@link #shutdown}: health says NOT_SERVING. */
    public boolean isDraining() {
        return draining;
    }

    /** Drains and stops: see the class comment. Returns once the server has terminated. */
    public void shutdown(Duration drainDelay, Duration grace) {
        if (server.isShutdown()) {
            awaitTermination(grace);
            return;
        }
        LOG.info("Greeter draining: health NOT_SERVING, closing in {} ms, in-flight calls get up to {} ms",
                drainDelay.toMillis(), grace.toMillis());
        draining = true;
        health.enterTerminalState();
        sleep(drainDelay);
        server.shutdown();
        if (!awaitTermination(grace)) {
            LOG.warn("Greeter calls still running after {} ms; cancelling them", grace.toMillis());
            server.shutdownNow();
            awaitTermination(Duration.ofSeconds(5));
        }
        LOG.info("Greeter stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO, Duration.ofSeconds(5));
    }

    private boolean awaitTermination(Duration timeout) {
        try {
            return server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return server.isTerminated();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
