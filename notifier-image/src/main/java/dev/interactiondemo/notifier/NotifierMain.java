package dev.interactiondemo.notifier;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.common.Settings;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code notifier host|worker}: runs one role until SIGTERM/SIGINT, then shuts down gracefully (the Host flushes,
 * the Worker commits and leaves its group). Exit status 2 on bad configuration, 1 when a port is taken.
 */
public final class NotifierMain {
    private NotifierMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.parse(NotifierConfig.OPTIONS, args, System.getenv());
        if (settings.helpRequested()) {
            System.out.println(Settings.usage("notifier host|worker [options]", NotifierConfig.OPTIONS));
            return;
        }
        NotifierConfig config;
        try {
            config = NotifierConfig.from(settings);
        } catch (ConfigException e) {
            System.err.println("notifier: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        registry.config().commonTags(List.of(Tag.of("role", config.role().name().toLowerCase())));
        NotifierRole role = config.role() == NotifierConfig.Role.HOST
                ? new NotificationHost(config, registry)
                : new NotificationWorker(config, registry);
        HttpEndpoints http;
        try {
            http = HttpEndpoints.start(config.httpPort(), NotifierConfig.HTTP_PORT.label(), registry,
                    role::notReadyReason);
        } catch (PortInUseException e) {
            System.err.println("notifier: " + e.getMessage());
            System.exit(1);
            return;
        }
        role.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            role.close();
            http.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
