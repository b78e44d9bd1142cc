package dev.interactiondemo.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A "Kafka" that never answers: a loopback port that accepts every connection and never writes a byte, keeping the
 * accepted sockets open (so clients wait for an answer rather than see a reset) until {@link #close()}.
 */
final class SilentKafka implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new ArrayList<>();

    SilentKafka() {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "silent-kafka");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Its address, as a demo's {@code bootstrapServers}. */
    String bootstrap() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        synchronized (held) {
            return held.size();
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        synchronized (held) {
            held.forEach(SilentKafka::closeQuietly);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
