package dev.interactiondemo.greeter;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.common.Settings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
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
        try {
            config = GreeterConfig.from(settings);
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
                    new GreeterService(config.maxNameLength(), config.responseDelay()), registry);
            http = HttpEndpoints.start(config.metricsPort(), GreeterConfig.METRICS_PORT.label(), registry,
                    () -> server.isDraining() ? Optional.of("draining") : Optional.empty());
        } catch (PortInUseException e) {
            System.err.println("greeter: " + e.getMessage());
            System.exit(1);
            return;
        }
        log.info("Greeter started: grpc port {}, metrics port {}, max name length {}, response delay {} ms",
                server.port(), http.port(), config.maxNameLength(), config.responseDelay().toMillis());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(config.drainDelay(), config.shutdownGrace());
            http.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
