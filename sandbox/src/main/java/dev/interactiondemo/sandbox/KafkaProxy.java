package dev.interactiondemo.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on the loopback interface between the Host and the Kafka broker, which the sandbox can cut: the
 * {@code kafka.cutHost} fault. {@link #cut()} closes every connection through it and stops listening, so new
 * connections are refused, as if the network between the Host and Kafka were gone; {@link #restore()} listens again
 * on the same port. The broker advertises this proxy's address on the listener the Host uses, so all of the Host's
 * traffic, metadata included, goes through it; the Worker and the sandbox's own counting reach the broker directly.
 */
final class KafkaProxy implements AutoCloseable {
    private final InetAddress loopback;
    private final int port;
    private volatile int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private ServerSocket server; // guarded by this
    private boolean closed; // guarded by this

    /** Reserves a free port on the loopback interface; {@link #forwardTo} starts forwarding. */
    KafkaProxy() {
        try {
            this.loopback = InetAddress.getByName("127.0.0.1");
            this.server = listen(0);
            this.port = server.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the sandbox's Kafka proxy", e);
        }
    }

    /** The port clients connect to ({@code localhost:port}). */
    int port() {
        return port;
    }

    /** Starts accepting connections, each forwarded to {@code localhost:targetPort}. */
    synchronized KafkaProxy forwardTo(int targetPort) {
        this.targetPort = targetPort;
        startAccepting(server);
        return this;
    }

    synchronized boolean isCut() {
        return server == null && !closed;
    }

    /** Drops every connection and refuses new ones until {@link #restore()}. */
    synchronized void cut() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** Accepts connections again, on the same port. */
    synchronized void restore() {
        if (server != null || closed) {
            return;
        }
        try {
            server = listen(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen again on port " + port + " for the Kafka proxy", e);
        }
        startAccepting(server);
    }

    @Override
    public synchronized void close() {
        cut();
        closed = true;
    }

    private ServerSocket listen(int p) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(loopback, p), 50);
        return s;
    }

    private void startAccepting(ServerSocket s) {
        Thread t = new Thread(() -> accept(s), "kafka-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // cut or closed
            }
            Socket upstream;
            try {
                upstream = new Socket(loopback, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            synchronized (this) {
                if (server != s) { // cut meanwhile
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                sockets.add(client);
                sockets.add(upstream);
            }
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // closed: by a cut, or by either side
            } catch (IOException e) {
                // the same
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "kafka-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
