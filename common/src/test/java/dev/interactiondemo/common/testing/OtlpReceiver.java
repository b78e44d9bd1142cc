package dev.interactiondemo.common.testing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver, as a collector's port 4318 is: {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf, decoded with OTLP's own classes, answered with an
 * {@code ExportTraceServiceResponse}.
 *
 * <p>Shared by the programs' tests through common's test jar ({@code <type>test-jar</type>}, test scope); a module
 * using it also declares {@code io.opentelemetry.proto:opentelemetry-proto} in test scope (see common's POM).
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One span as received, with its service's name. */
    public record Received(String serviceName, Span span) {
        public String traceId() {
            return hex(span.getTraceId());
        }

        public String spanId() {
            return hex(span.getSpanId());
        }

        public String parentSpanId() {
            return hex(span.getParentSpanId());
        }

        /** An attribute as a string (ints in decimal), if present. */
        public Optional<String> attribute(String key) {
            return OtlpReceiver.attribute(span.getAttributesList(), key);
        }
    }

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    /** On a free loopback port. */
    public static OtlpReceiver start() throws IOException {
        return start(0);
    }

    public static OtlpReceiver start(int port) throws IOException {
        OtlpReceiver r = new OtlpReceiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0));
        r.server.createContext("/", r::handle);
        r.server.start();
        return r;
    }

    /** For {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> spans() {
        return List.copyOf(spans);
    }

    /** Requests that were not a well-formed OTLP/HTTP protobuf export (none expected). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Waits up to {@code millis} for {@code count} spans; returns what has arrived. Woken by each export as it is
     * received, not by polling.
     */
    public synchronized List<Received> await(int count, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (long left = millis * 1_000_000; spans.size() < count && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        return spans();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals("/v1/traces")
                    || !"application/x-protobuf".equals(contentType)) {
                problems.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + contentType);
                ex.sendResponseHeaders(404, -1);
                return;
            }
            InputStream body = ex.getRequestBody();
            if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans rs : request.getResourceSpansList()) {
                String service = attribute(rs.getResource().getAttributesList(), "service.name").orElse("");
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    ss.getSpansList().forEach(s -> spans.add(new Received(service, s)));
                }
            }
            synchronized (this) {
                notifyAll(); // wakes await()
            }
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(response);
            }
        }
    }

    private static Optional<String> attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).findFirst().map(kv -> {
            AnyValue v = kv.getValue();
            return v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue();
        });
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
