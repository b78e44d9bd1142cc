package dev.interactiondemo.greeter;

import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.common.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Runs the Greeter until SIGTERM/SIGINT, then drains. Exit status 2 on bad configuration, 1 when a port is taken. */
public final class GreeterMain {
    private GreeterMain() {
    }

    public static void main(String[] args) {
        Program.of("greeter", "greeter [options]", GreeterConfig.OPTIONS).serve(args, settings -> {
            GreeterConfig config = GreeterConfig.from(settings);
            OpenTelemetry openTelemetry = Tracing.init("greeter");
            PrometheusMeterRegistry registry = Metrics.newRegistry();
            GreeterServer server = GreeterServer.start(config.port(), GreeterConfig.PORT.label(),
                    new GreeterImpl(config.maxNameLength(), config.responseDelay(), config.faults()), registry,
                    openTelemetry);
            HttpEndpoints http = HttpEndpoints.start(config.metricsPort(), GreeterConfig.METRICS_PORT.label(), registry,
                    server::notServingReason);
            LoggerFactory.getLogger(GreeterMain.class).info("Greeter started: grpc port {}, metrics port {}, max name "
                            + "length {}, response delay {} ms, fault error rate {}, fault unavailable {}, tracing {}",
                    server.port(), http.port(), config.maxNameLength(), config.responseDelay().toMillis(),
                    config.faultErrorRate(), config.faultUnavailable(),
                    openTelemetry == OpenTelemetry.noop() ? "off" : "OTLP");
            return List.of(() -> server.shutdown(config.drainDelay(), config.shutdownGrace()), http, Tracing::shutdown);
        });
    }
}
