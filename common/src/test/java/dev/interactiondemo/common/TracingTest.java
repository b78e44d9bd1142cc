package dev.interactiondemo.common;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracingTest {
    private HttpServer collector;

    @AfterEach
    void stop() {
        Tracing.shutdown();
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void withoutAnEndpointTracingIsANoOpWithoutThreads() {
        assertSame(OpenTelemetry.noop(), Tracing.init("t", Map.of()));
        assertSame(OpenTelemetry.noop(), Tracing.init("t", Map.of("OTEL_SERVICE_NAME", "x", "OTEL_PROPAGATORS", "tracecontext")));
        assertSame(OpenTelemetry.noop(), Tracing.init("t", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:1",
                "OTEL_SDK_DISABLED", "true")));
        assertSame(OpenTelemetry.noop(), Tracing.init("t", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:1",
                "OTEL_TRACES_EXPORTER", "none")));
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("BatchSpanProcessor")));
    }

    @Test
    void anUnsupportedProtocolOrABadValueIsNamed() {
        ConfigException grpc = assertThrows(ConfigException.class, () -> Tracing.init("t", Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertTrue(grpc.getMessage().contains("OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' is not supported here"), grpc.getMessage());
        ConfigException sampler = assertThrows(ConfigException.class, () -> Tracing.init("t", Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318", "OTEL_TRACES_SAMPLER", "sometimes")));
        assertTrue(sampler.getMessage().contains("sometimes"), sampler.getMessage());
    }

    @Test
    void exportsSpansOverOtlpHttpWithTheServiceName() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " "
                    + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        collector.start();
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort());

        OpenTelemetry otel = Tracing.init("tracing-test", env);
        assertNotSame(OpenTelemetry.noop(), otel);
        assertSame(otel, Tracing.init("tracing-test", env), "one SDK per service name");
        otel.getTracer("test").spanBuilder("a-span").startSpan().end();
        Tracing.shutdown(); // flushes

        assertEquals(1, requests.size(), requests.toString());
        String request = requests.get(0);
        assertTrue(request.startsWith("POST /v1/traces application/x-protobuf "), request);
        assertTrue(request.contains("a-span") && request.contains("tracing-test"), request);
    }
}
