package dev.interactiondemo.common;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpEndpointsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesHealthReadinessAndMetricsOverARealSocket() throws Exception {
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        registry.counter("demo.things").increment(3);
        AtomicReference<Optional<String>> notReady = new AtomicReference<>(Optional.of("kafka unreachable"));
        try (HttpEndpoints endpoints = HttpEndpoints.start(0, "TEST_PORT", registry, notReady::get)) {
            String base = "http://localhost:" + endpoints.port();
            assertEquals(200, get(base + "/healthz").statusCode());
            HttpResponse<String> r = get(base + "/readyz");
            assertEquals(503, r.statusCode());
            assertEquals("not ready: kafka unreachable\n", r.body());
            notReady.set(Optional.empty());
            assertEquals(200, get(base + "/readyz").statusCode());
            HttpResponse<String> m = get(base + "/metrics");
            assertEquals(200, m.statusCode());
            assertTrue(m.body().contains("demo_things_total 3.0"), m.body());
            assertTrue(m.body().contains("jvm_memory_used_bytes"), "JVM metrics are bound");
            assertEquals(404, get(base + "/nope").statusCode());
        }
    }

    @Test
    void aTakenPortIsNamedWithItsSetting() {
        try (HttpEndpoints first = HttpEndpoints.start(0, "A", Metrics.newRegistry(), Optional::empty)) {
            PortInUseException e = assertThrows(PortInUseException.class,
                    () -> HttpEndpoints.start(first.port(), "NOTIFIER_HTTP_PORT (--http-port)", Metrics.newRegistry(),
                            Optional::empty));
            assertEquals("port " + first.port() + " is already in use; free it or choose another with "
                    + "NOTIFIER_HTTP_PORT (--http-port)", e.getMessage());
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
