package dev.interactiondemo.greeter;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.common.Settings;
import dev.interactiondemo.common.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/** Runs the Greeter until SIGTERM/SIGINT, then drains. Exit status 2 on bad configuration. */
public final class GreeterMain {
    private GreeterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.parse(GreeterConfig.OPTIONS, args, System.getenv());
        if (settings.helpRequested()) {
            System.out.println(Settings.usage("greeter [options]", GreeterConfig.OPTIONS));
            return;
        }
        GreeterConfig config;
        OpenTelemetry openTelemetry;
        try {
            config = GreeterConfig.from(settings);
            openTelemetry = Tracing.init("greeter");
        } catch (ConfigException e) {
            System.err.println("greeter: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(GreeterMain.class);
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        GreeterServer server;
        HttpEndpoints http;
        try {
            server = GreeterServer.start(config.port(), GreeterConfig.PORT.label(),
                    new GreeterService(config.maxNameLength(), config.responseDelay(), config.faults()), registry,
                    openTelemetry);
            http = HttpEndpoints.start(config.metricsPort(), GreeterConfig.METRICS_PORT.label(), registry,
                    server::notServingReason);
        } catch (PortInUseException e) {
            System.err.println("greeter: " + e.getMessage());
            System.exit(1);
            return;
        }
        log.info("Greeter started: grpc port {}, metrics port {}, max name length {}, response delay {} ms, "
                        + "fault error rate {}, fault unavailable {}, tracing {}", server.port(), http.port(),
                config.maxNameLength(), config.responseDelay().toMillis(), config.faultErrorRate(),
                config.faultUnavailable(), openTelemetry == OpenTelemetry.noop() ? "off" : "OTLP");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(config.drainDelay(), config.shutdownGrace());
            http.close();
            Tracing.shutdown();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
