package dev.interactiondemo.kafka;

import com.sun.net.httpserver.HttpServer;
import dev.interactiondemo.kafka.KafkaAddressCheck.Verdict;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real servers on loopback, each answering Kafka's ApiVersions request the way it would. A real broker: KafkaAddressCheckBrokerTest. */
class KafkaAddressCheckTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    @Test
    void anHttpServerIsNotKafka() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", e -> {
            e.sendResponseHeaders(404, -1);
            e.close();
        });
        http.start();
        try {
            var r = KafkaAddressCheck.check("127.0.0.1:" + http.getAddress().getPort(), DEADLINE);
            assertEquals(Verdict.NOT_KAFKA, r.verdict(), r.message());
            assertTrue(r.message().contains("an HTTP server answered"), r.message());
            assertTrue(r.message().contains("127.0.0.1:" + http.getAddress().getPort()), r.message());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aTlsListenerIsNamedAsSuch(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                new String(keytool.getInputStream().readAllBytes()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake(); // fails on Kafka's plaintext request: the server sends an alert
                } catch (IOException expected) {
                    // the handshake failure is the point
                }
            });
            t.start();
            var r = KafkaAddressCheck.check("localhost:" + server.getLocalPort(), DEADLINE);
            assertEquals(Verdict.NOT_KAFKA, r.verdict(), r.message());
            assertTrue(r.message().contains("TLS"), r.message());
            t.join(5_000);
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    done.await(10, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            });
            t.start();
            long start = System.nanoTime();
            var r = KafkaAddressCheck.check("127.0.0.1:" + server.getLocalPort(), Duration.ofMillis(500));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            done.countDown();
            assertEquals(Verdict.UNREACHABLE, r.verdict(), r.message());
            assertTrue(r.message().contains("did not answer within 500 ms"), r.message());
            assertTrue(tookMs < 5_000, "took " + tookMs + " ms");
        }
    }

    @Test
    void aServerThatClosesIsNotKafka() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // closing is the answer
                }
            });
            t.start();
            var r = KafkaAddressCheck.check("127.0.0.1:" + server.getLocalPort(), DEADLINE);
            assertEquals(Verdict.NOT_KAFKA, r.verdict(), r.message());
        }
    }

    @Test
    void aBinaryAnswerOfTheWrongSizeIsNotKafka() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 1, 2, 3, 4});
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            t.start();
            var r = KafkaAddressCheck.check("127.0.0.1:" + server.getLocalPort(), DEADLINE);
            assertEquals(Verdict.NOT_KAFKA, r.verdict(), r.message());
            assertTrue(r.message().contains("2130706432 bytes"), r.message());
        }
    }

    @Test
    void refusedAndUnresolvableAddressesAreUnreachable() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        var refused = KafkaAddressCheck.check("127.0.0.1:" + closed, DEADLINE);
        assertEquals(Verdict.UNREACHABLE, refused.verdict());
        assertTrue(refused.message().contains("cannot connect"), refused.message());

        var unknown = KafkaAddressCheck.check("no-such-host.invalid:9092", DEADLINE);
        assertEquals(Verdict.UNREACHABLE, unknown.verdict());
        assertTrue(unknown.message().contains("does not resolve"), unknown.message());

        assertEquals(Verdict.UNREACHABLE, KafkaAddressCheck.check("kafka", DEADLINE).verdict());
        assertEquals(Verdict.UNREACHABLE, KafkaAddressCheck.check("kafka:99999", DEADLINE).verdict());
    }

    @Test
    void aListWithOneNonKafkaAddressIsNotKafka() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.start();
        try {
            var r = KafkaAddressCheck.checkAll("no-such-host.invalid:9092, 127.0.0.1:" + http.getAddress().getPort(),
                    DEADLINE);
            assertEquals(Verdict.NOT_KAFKA, r.verdict(), r.message());
        } finally {
            http.stop(0);
        }
    }
}
