package dev.interactiondemo.common;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry for the demo's programs, set up the standard way: OpenTelemetry's SDK autoconfiguration reads the
 * {@code OTEL_*} environment variables (and {@code otel.*} system properties, which win).
 *
 * <ul>
 *   <li>Traces are exported over OTLP only when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 *       {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) is set, e.g. {@code http://otel-collector:4318}. Otherwise
 *       {@link #init} returns {@link OpenTelemetry#noop()}: no exporter, no thread, nothing logged.
 *       {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none} also turn it off.</li>
 *   <li>The protocol is {@code http/protobuf} (OTLP's default, a collector's port 4318); {@code grpc} is refused
 *       at start-up, as its sender would bring OkHttp and Kotlin's runtime into every image.</li>
 *   <li>{@code OTEL_SERVICE_NAME} (or {@code service.name} in {@code OTEL_RESOURCE_ATTRIBUTES}) names the service;
 *       without it, the program's default name.</li>
 *   <li>The context travels as {@code OTEL_PROPAGATORS} says: by default W3C {@code traceparent} and baggage.</li>
 *   <li>Traces only: {@code OTEL_METRICS_EXPORTER} and {@code OTEL_LOGS_EXPORTER} default to {@code none}, as
 *       metrics are on {@code /metrics} and logs on stdout. The SDK's own warnings (a collector that does not
 *       answer) go to the program's log, through SLF4J.</li>
 * </ul>
 *
 * <p>One SDK per service name, so that programs sharing a JVM (the sandbox's Greeter, Host and Worker) are separate
 * services in a trace. Nothing is registered as {@code GlobalOpenTelemetry}: pass the instance on.
 */
public final class Tracing {
    private static final long SHUTDOWN_BOUND_MILLIS = 5_000;
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final Map<String, String> DEFAULTS = Map.of(
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");
    private static final Map<String, OpenTelemetrySdk> SDKS = new LinkedHashMap<>();
    // Held here: java.util.logging keeps only weak references to its loggers, and so would lose the handler.
    private static final java.util.logging.Logger SDK_LOG = java.util.logging.Logger.getLogger("io.opentelemetry");

    private Tracing() {
    }

    /**
     * Whether {@code openTelemetry} records anything: false for {@link OpenTelemetry#noop()}, what {@link #init}
     * returns without an OTLP endpoint. Instrumentation (a wrapped Kafka client, a gRPC interceptor) is left out
     * then: it would cost every message something and record nothing.
     */
    public static boolean records(OpenTelemetry openTelemetry) {
        return openTelemetry != OpenTelemetry.noop();
    }

    /** {@link #init(String, Map)} with the process's environment. */
    public static OpenTelemetry init(String defaultServiceName) {
        return init(defaultServiceName, System.getenv());
    }

    /**
     * The OpenTelemetry of the service {@code defaultServiceName} (unless {@code OTEL_SERVICE_NAME} says otherwise),
     * or {@link OpenTelemetry#noop()} when no OTLP endpoint is set. The first call for a name creates its SDK;
     * later calls return it, until {@link #shutdown()}.
     *
     * @param env the environment to read {@code OTEL_*} from (the process's own in {@link #init(String)})
     * @throws ConfigException naming the variable, for a protocol other than {@code http/protobuf} or a value the
     *                         SDK rejects (a malformed endpoint, an unknown sampler...)
     */
    public static synchronized OpenTelemetry init(String defaultServiceName, Map<String, String> env) {
        Map<String, String> config = otelProperties(env);
        if (!exports(config)) {
            return OpenTelemetry.noop();
        }
        OpenTelemetrySdk existing = SDKS.get(defaultServiceName);
        if (existing != null) {
            return existing;
        }
        String protocolKey = config.containsKey("otel.exporter.otlp.traces.protocol")
                ? "otel.exporter.otlp.traces.protocol" : "otel.exporter.otlp.protocol";
        String protocol = config.getOrDefault(protocolKey, DEFAULTS.get("otel.exporter.otlp.protocol"));
        if (!protocol.equals("http/protobuf")) {
            throw new ConfigException(List.of(envName(protocolKey) + ": '" + protocol
                    + "' is not supported here; use http/protobuf (a collector's OTLP/HTTP port, 4318)"));
        }
        if (SDK_LOG.getHandlers().length == 0) {
            SDK_LOG.addHandler(new SLF4JBridgeHandler());
            SDK_LOG.setUseParentHandlers(false);
        }
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> DEFAULTS)
                    .addPropertiesCustomizer(ignored -> config)
                    .addResourceCustomizer((resource, ignored) -> named(resource, defaultServiceName))
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw new ConfigException(List.of("OpenTelemetry (OTEL_* variables): " + e.getMessage()));
        }
        SDKS.put(defaultServiceName, sdk);
        return sdk;
    }

    /**
     * Exports what is still buffered and stops every SDK {@link #init} created, within 5 seconds in all; spans still
     * unsent then are dropped. Call it last, once the program has stopped serving. Does nothing when none was created.
     */
    public static synchronized void shutdown() {
        if (SDKS.isEmpty()) {
            return;
        }
        CompletableResultCode.ofAll(SDKS.values().stream().map(OpenTelemetrySdk::shutdown).toList())
                .join(SHUTDOWN_BOUND_MILLIS, TimeUnit.MILLISECONDS);
        SDKS.clear();
    }

    /** {@code OTEL_FOO_BAR} from {@code env} as {@code otel.foo.bar}, then {@code otel.*} system properties over them. */
    private static Map<String, String> otelProperties(Map<String, String> env) {
        Map<String, String> config = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_") && v != null && !v.isBlank()) {
                config.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v.trim());
            }
        });
        System.getProperties().forEach((k, v) -> {
            if (k instanceof String key && key.startsWith("otel.") && v instanceof String value && !value.isBlank()) {
                config.put(key, value.trim());
            }
        });
        return config;
    }

    private static boolean exports(Map<String, String> config) {
        boolean endpoint = config.containsKey("otel.exporter.otlp.endpoint")
                || config.containsKey("otel.exporter.otlp.traces.endpoint");
        return endpoint && !"true".equalsIgnoreCase(config.get("otel.sdk.disabled"))
                && !"none".equalsIgnoreCase(config.get("otel.traces.exporter"));
    }

    private static Resource named(Resource resource, String defaultServiceName) {
        String name = resource.getAttribute(SERVICE_NAME);
        if (name == null || name.startsWith("unknown_service")) {
            return resource.merge(Resource.create(Attributes.of(SERVICE_NAME, defaultServiceName)));
        }
        return resource;
    }

    private static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
