package dev.interactiondemo.greeter;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Greeter program as users run it: a separate JVM, stopped with SIGTERM. */
class GreeterMainTest {

    @Test
    void badConfigurationNamesEveryBadValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> GreeterConfig.from(
                new String[] {"--port=70000"}, Map.of("GREETER_RESPONSE_DELAY", "forever", "GREETER_METRICS_PORT", "x")));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("GREETER_PORT (--port): 70000 is out of range [0, 65535]"), e.getMessage());
        assertTrue(e.getMessage().contains("GREETER_RESPONSE_DELAY (--response-delay): 'forever' is not a duration"));
        assertTrue(e.getMessage().contains("GREETER_METRICS_PORT (--metrics-port): 'x' is not a whole number"));
    }

    @Test
    void servesThenStopsCleanlyOnSigterm() throws Exception {
        int grpcPort = freePort();
        int metricsPort = freePort();
        Path log = Files.createTempFile("greeter", ".log");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GreeterMain.class.getName(),
                "--port=" + grpcPort, "--metrics-port", String.valueOf(metricsPort)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            ManagedChannel channel = Grpc.newChannelBuilder("localhost:" + grpcPort,
                    InsecureChannelCredentials.create()).build();
            String reply = null;
            for (int i = 0; i < 100 && reply == null; i++) {
                try {
                    reply = GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .sayHello(HelloRequest.newBuilder().setName("world").build()).getMessage();
                } catch (RuntimeException notYet) {
                    Thread.sleep(200);
                }
            }
            channel.shutdownNow();
            assertEquals("Hello, world", reply);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("greeter_calls_total{code=\"OK\""), metrics.body());

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the Greeter exits after SIGTERM");
            String output = Files.readString(log);
            assertTrue(output.contains("Greeter draining"), output);
            assertTrue(output.contains("Greeter stopped"), output);
            assertTrue(output.lines().filter(l -> l.contains("Greeter stopped")).allMatch(l -> l.startsWith("{")),
                    "logs are structured (one JSON object per line): " + output);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
