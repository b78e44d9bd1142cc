package dev.interactiondemo.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side of every program: {@code /healthz} (the process is alive), {@code /readyz} (it is connected to
 * what it needs; 503 with the reason otherwise) and {@code /metrics} (Prometheus text format).
 */
public final class HttpEndpoints implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoints(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code port} (0 picks a free one).
     *
     * @param notReadyReason empty when ready, else a short reason shown by {@code /readyz}
     * @param portLabel      how errors name the port setting, e.g. {@code NOTIFIER_HTTP_PORT (--http-port)}
     */
    public static HttpEndpoints start(int port, String portLabel, PrometheusMeterRegistry registry,
                                      Supplier<Optional<String>> notReadyReason) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (BindException e) {
            throw new PortInUseException(port, portLabel, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", ex -> {
            Optional<String> reason = notReadyReason.get();
            if (reason.isEmpty()) {
                respond(ex, 200, "text/plain", "ready\n");
            } else {
                respond(ex, 503, "text/plain", "not ready: " + reason.get() + "\n");
            }
        });
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/", ex -> respond(ex, 404, "text/plain", "not found; try /healthz, /readyz, /metrics\n"));
        ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemon("http-endpoints"));
        server.setExecutor(executor);
        server.start();
        return new HttpEndpoints(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
