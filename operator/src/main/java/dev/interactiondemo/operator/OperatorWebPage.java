package dev.interactiondemo.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.common.WebAssets;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's live page, read-only, for every demo it manages (turned on with {@code WEB_PAGE=true}; reach it
 * with {@code kubectl port-forward}): the sandbox's page, drawn from the same {@code InteractionDemoStatus}.
 * <ul>
 *   <li>{@code GET /api/demos}: the demos, with whether each is Ready;</li>
 *   <li>{@code GET /api/history?demo=<namespace>/<name>&after=N}: that demo's latest status if newer than N;</li>
 *   <li>anything else but the page's files: 404; no request changes anything.</li>
 * </ul>
 */
public final class OperatorWebPage implements AutoCloseable {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final HttpServer server;
    private final ExecutorService executor;

    private OperatorWebPage(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static OperatorWebPage start(int port, DemoStatuses statuses) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (BindException e) {
            throw new PortInUseException(port, OperatorConfig.WEB_PORT.label(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            try (ex) {
                WebAssets.serve(ex, "operator.html");
            }
        });
        server.createContext("/api/", ex -> {
            try (ex) {
                api(ex, statuses);
            } catch (RuntimeException e) {
                send(ex, 500, Map.of("error", String.valueOf(e.getMessage())));
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "operator-web");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new OperatorWebPage(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void api(HttpExchange ex, DemoStatuses statuses) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!ex.getRequestMethod().equals("GET")) {
            send(ex, 405, Map.of("error", "read-only: switch faults with kubectl patch (spec.faults)"));
            return;
        }
        if (path.equals("/api/demos")) {
            send(ex, 200, statuses.list());
            return;
        }
        if (path.equals("/api/history")) {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            long after;
            try {
                after = Long.parseLong(q.getOrDefault("after", "0"));
            } catch (NumberFormatException e) {
                send(ex, 400, Map.of("error", "after: not a number"));
                return;
            }
            String demo = q.get("demo");
            if (demo == null) {
                send(ex, 400, Map.of("error", "demo: <namespace>/<name>"));
                return;
            }
            Map<String, Object> body = new HashMap<>();
            body.put("entries", statuses.after(demo, after).map(List::of).orElse(List.of()));
            send(ex, 200, body);
            return;
        }
        send(ex, 404, Map.of("error", "GET " + path + ": not here"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        WebAssets.respond(ex, status, "application/json", JSON.asJson(body).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
