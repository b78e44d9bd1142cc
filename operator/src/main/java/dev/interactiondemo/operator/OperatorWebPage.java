package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

import com.sun.net.httpserver.HttpExchange;
import dev.interactiondemo.common.LivePage;
import dev.interactiondemo.common.WebAssets;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final LivePage page;

    private OperatorWebPage(LivePage page) {
        this.page = page;
    }

    public static OperatorWebPage start(int port, DemoStatuses statuses) {
        return new OperatorWebPage(LivePage.start(new InetSocketAddress(port), OperatorConfig.WEB_PORT.label(),
                "operator.html", "operator-web", ex -> api(ex, statuses)));
    }

    public int port() {
        return page.port();
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
        page.close();
    }
}
