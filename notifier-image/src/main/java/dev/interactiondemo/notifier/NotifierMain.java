package dev.interactiondemo.notifier;

import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.common.Tracing;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;

import java.util.List;

/**
 * {@code notifier host|worker}: runs one role until SIGTERM/SIGINT, then shuts down gracefully (the Host flushes,
 * the Worker commits and leaves its group). Exit status 2 on bad configuration (the {@code OTEL_*} variables
 * included), 1 when a port is taken, {@value NotificationWorker#INJECTED_FAILURE_EXIT_STATUS} when the Worker's
 * injected fault {@code NOTIFIER_FAULT_FAIL_BEFORE_COMMIT} fired with {@code NOTIFIER_FAULT_ON_FAILURE=exit}
 * (Kubernetes restarts it; by default the Worker reconnects instead, so its audit shows the duplicates). Traces go over OTLP when
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (service {@code notifier-host} or {@code notifier-worker} unless
 * {@code OTEL_SERVICE_NAME} says otherwise; see common's {@code Tracing}).
 */
public final class NotifierMain {
    private NotifierMain() {
    }

    public static void main(String[] args) {
        Program.of("notifier", "notifier host|worker [options]", NotifierConfig.OPTIONS).serve(args, settings -> {
            NotifierConfig config = NotifierConfig.from(settings);
            String roleName = config.role().name().toLowerCase();
            OpenTelemetry openTelemetry = Tracing.init("notifier-" + roleName);
            PrometheusMeterRegistry registry = Metrics.newRegistry();
            registry.config().commonTags(List.of(Tag.of("role", roleName)));
            NotifierRole role = config.role() == NotifierConfig.Role.HOST
                    ? new NotificationHost(config, registry, openTelemetry)
                    : new NotificationWorker(config, registry, new DeliveryAudit(), config.worker().faults(),
                            openTelemetry, config.worker().onInjectedFailure());
            HttpEndpoints http = HttpEndpoints.start(config.httpPort(), NotifierConfig.HTTP_PORT.label(), registry,
                    role::notReadyReason);
            role.start();
            return List.of(role, http, Tracing::shutdown);
        });
    }
}
