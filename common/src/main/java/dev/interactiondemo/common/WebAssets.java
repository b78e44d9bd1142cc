package dev.interactiondemo.common;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live page's files, shared by the sandbox (which adds its controls) and the operator (read-only, every demo):
 * {@code app.js}, {@code style.css} and {@code favicon.svg} under {@code /web/} on the class path, beside each
 * program's own HTML page. Nothing is loaded from elsewhere.
 */
public final class WebAssets {
    private static final Map<String, String> SHARED = Map.of(
            "/app.js", "app.js",
            "/style.css", "style.css",
            "/favicon.svg", "favicon.svg");

    private WebAssets() {
    }

    /**
     * Answers a GET or HEAD of the page ({@code /}, {@code /index.html}: the program's {@code page}, a file under
     * {@code /web/}) or of a shared file; 404 otherwise.
     */
    public static void serve(HttpExchange ex, String page) throws IOException {
        String path = ex.getRequestURI().getPath();
        String name = path.equals("/") || path.equals("/index.html") ? page : SHARED.get(path);
        if (name == null || !(ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD"))) {
            respond(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body;
        try (InputStream in = WebAssets.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                respond(ex, 404, "text/plain; charset=utf-8", "not in the jar\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            body = in.readAllBytes();
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
        respond(ex, 200, type, body);
    }

    /** Sends a response that is never cached and never sniffed. */
    public static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
