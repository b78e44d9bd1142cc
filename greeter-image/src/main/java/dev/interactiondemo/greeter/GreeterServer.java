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
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: {@code greet.Greeter}, {@code grpc.health.v1.Health} and server reflection (v1 and v1alpha, so
 * {@code grpcurl} can list and call it).
 *
 * <p>Each {@code SayHello} is a trace span (kind SERVER, {@code greet.Greeter/SayHello}, with {@code rpc.*}
 * attributes), the child of the caller's span when the call's metadata carries a W3C {@code traceparent}: the
 * OpenTelemetry gRPC instrumentation does it, with the {@link OpenTelemetry} given (see {@code common.Tracing}).
 *
 * <p>The {@link GreeterFaults} of the service drive the health service: switched unavailable, {@code greet.Greeter}
 * reports NOT_SERVING (its readiness: Kubernetes takes the pod out of the Service); the server as a whole ({@code ""},
 * its liveness) stays SERVING, so the pod keeps running and is not restarted: the lesson is a callee that is up and
 * refuses. Switched back, SERVING.
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
    private final GreeterFaults faults;
    private volatile Runnable stopFollowingFaults = () -> { };
    private volatile boolean draining;

    private GreeterServer(int port, GreeterImpl service, MeterRegistry registry, OpenTelemetry openTelemetry) {
        this.faults = service.faults();
        // The last interceptor sees the call first: the span covers the metrics and every answer, faults included.
        this.server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, new MetricsInterceptor(registry),
                        GrpcTelemetry.create(openTelemetry).createServerInterceptor()))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance())
                .build();
    }

    /** {@link #start(int, String, GreeterImpl, MeterRegistry, OpenTelemetry)} without tracing. */
    public static GreeterServer start(int port, String portSetting, GreeterImpl service, MeterRegistry registry) {
        return start(port, portSetting, service, registry, OpenTelemetry.noop());
    }

    /**
     * Starts serving on {@code port} (0 picks a free one).
     *
     * @param portSetting   how an error names the port setting when the port is taken
     * @param openTelemetry where the calls' spans go ({@code Tracing.init("greeter")}; {@link OpenTelemetry#noop()}
     *                      for none)
     */
    public static GreeterServer start(int port, String portSetting, GreeterImpl service, MeterRegistry registry,
                                      OpenTelemetry openTelemetry) {
        GreeterServer s = new GreeterServer(port, service, registry, openTelemetry);
        try {
            s.server.start();
        } catch (IOException e) {
            if (isAddressInUse(e)) {
                throw new PortInUseException(port, portSetting, e);
            }
            throw new UncheckedIOException("cannot start the gRPC server on port " + port, e);
        }
        s.stopFollowingFaults = s.faults.onChange(s::applyFaults);
        s.applyFaults();
        LOG.info("Greeter serving on port {}", s.port());
        return s;
    }

    /** Health follows the unavailable switch; ignored once draining (the health service is then terminal). */
    private synchronized void applyFaults() {
        ServingStatus status = faults.snapshot().unavailable() ? ServingStatus.NOT_SERVING : ServingStatus.SERVING;
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE, status);
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

    /** The fault switches this server answers by (its service's): flip them while it runs. */
    public GreeterFaults faults() {
        return faults;
    }

    /** Why health says NOT_SERVING ({@code draining}, or the unavailable fault), or empty while SERVING. */
    public Optional<String> notServingReason() {
        if (draining) {
            return Optional.of("draining");
        }
        return faults.snapshot().unavailable() ? Optional.of("fault: unavailable") : Optional.empty();
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
        stopFollowingFaults.run();
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
