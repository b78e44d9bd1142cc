package dev.interactiondemo.sandbox;

import com.sun.net.httpserver.HttpExchange;
import dev.interactiondemo.common.LivePage;
import dev.interactiondemo.common.WebAssets;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's live page, on the loopback interface only: the page itself and its script from the jar
 * ({@code /web/}), and a small JSON API over the same {@code InteractionDemoStatus} the terminal shows.
 *
 * <ul>
 *   <li>{@code GET /api/status}: the latest status;</li>
 *   <li>{@code GET /api/history?after=N}: the statuses numbered above N (oldest first) and the controls' state;</li>
 *   <li>{@code POST /api/faults} {@code {"name": "greeter.errorRate", "value": "0.3"}}: switches a fault;</li>
 *   <li>{@code POST /api/worker}, {@code POST /api/greeter} {@code {"running": false}}: stops or starts that part.</li>
 * </ul>
 * The POSTs take only {@code application/json}, which a page from another site cannot send without the browser
 * asking first (a CORS preflight, which this server never grants).
 */
final class WebPage implements AutoCloseable {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final LivePage page;

    private WebPage(LivePage page) {
        this.page = page;
    }

    static WebPage start(int port, Sandbox sandbox) {
        try {
            return new WebPage(LivePage.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                    SandboxOptions.WEB_PORT.label() + " (0: any free port), or " + SandboxOptions.WEB.label() + "=false",
                    "index.html", "sandbox-web", ex -> api(ex, sandbox)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("127.0.0.1 does not resolve", e);
        }
    }

    int port() {
        return page.port();
    }

    private static void api(HttpExchange ex, Sandbox sandbox) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (method.equals("GET") && path.equals("/api/status")) {
            Object latest = sandbox.history().latest();
            send(ex, latest == null ? 503 : 200, latest == null ? Map.of("error", "no status yet") : latest);
            return;
        }
        if (method.equals("GET") && path.equals("/api/history")) {
            long after = 0;
            String q = ex.getRequestURI().getQuery();
            if (q != null && q.startsWith("after=")) {
                try {
                    after = Long.parseLong(q.substring("after=".length()));
                } catch (NumberFormatException e) {
                    send(ex, 400, Map.of("error", "after: not a number"));
                    return;
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            List<History.Entry> entries = sandbox.history().after(after);
            body.put("entries", entries);
            body.put("controls", sandbox.controls());
            send(ex, 200, body);
            return;
        }
        if (!method.equals("POST")) {
            send(ex, path.startsWith("/api/") && List.of("/api/faults", "/api/worker", "/api/greeter").contains(path)
                    ? 405 : 404, Map.of("error", method + " " + path + ": not here"));
            return;
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            send(ex, 415, Map.of("error", "send application/json"));
            return;
        }
        Map<?, ?> request;
        try (InputStream in = ex.getRequestBody()) {
            request = JSON.unmarshal(new String(in.readNBytes(4096), StandardCharsets.UTF_8), Map.class);
        } catch (RuntimeException e) {
            send(ex, 400, Map.of("error", "not a JSON object"));
            return;
        }
        switch (path) {
            case "/api/faults" -> {
                FaultSetting f;
                try {
                    f = FaultSetting.of(String.valueOf(request.get("name")), String.valueOf(request.get("value")));
                } catch (IllegalArgumentException e) {
                    send(ex, 400, Map.of("error", e.getMessage()));
                    return;
                }
                try {
                    sandbox.parts().applyFault(f);
                } catch (IllegalArgumentException e) {
                    send(ex, 400, Map.of("error", e.getMessage()));
                    return;
                }
            }
            case "/api/worker", "/api/greeter" -> {
                Object running = request.get("running");
                if (!(running instanceof Boolean)) {
                    send(ex, 400, Map.of("error", "running: true or false"));
                    return;
                }
                boolean worker = path.equals("/api/worker");
                if ((Boolean) running) {
                    if (worker) {
                        sandbox.parts().startWorker("");
                    } else {
                        sandbox.parts().startGreeter();
                    }
                } else if (worker) {
                    sandbox.parts().stopWorker();
                } else {
                    sandbox.parts().stopGreeter();
                }
            }
            default -> {
                send(ex, 404, Map.of("error", "POST " + path + ": not here"));
                return;
            }
        }
        send(ex, 200, sandbox.controls());
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        WebAssets.respond(ex, status, "application/json", JSON.asJson(body).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        page.close();
    }
}
