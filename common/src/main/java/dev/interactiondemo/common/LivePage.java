package dev.interactiondemo.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live page's HTTP server, as the sandbox and the operator run it: the page and its files ({@link WebAssets})
 * at {@code /}, the program's JSON under {@code /api/}; an answer that fails is a 500 with the reason.
 */
public final class LivePage implements AutoCloseable {
    /** What a program answers under {@code /api/}. */
    public interface Api {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private LivePage(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param portSetting what to say about a port that is taken (the setting to change)
     * @param page        the program's HTML page under {@code /web/} on the class path
     */
    public static LivePage start(InetSocketAddress address, String portSetting, String page, String threadName,
                                 Api api) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new PortInUseException(address.getPort(), portSetting, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            try (ex) {
                WebAssets.serve(ex, page);
            }
        });
        server.createContext("/api/", ex -> {
            try (ex) {
                api.handle(ex);
            } catch (RuntimeException e) {
                String reason = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
                WebAssets.respond(ex, 500, "application/json", ("{\"error\":\"" + reason + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(4, Threads.daemon(threadName));
        server.setExecutor(executor);
        server.start();
        return new LivePage(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
