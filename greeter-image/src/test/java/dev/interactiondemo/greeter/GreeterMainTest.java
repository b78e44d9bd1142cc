package dev.interactiondemo.greeter;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.common.testing.OtlpReceiver;
import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    void badFaultValuesAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> GreeterConfig.from(new String[0],
                Map.of("GREETER_FAULT_ERROR_RATE", "1.5", "GREETER_FAULT_UNAVAILABLE", "maybe")));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("GREETER_FAULT_ERROR_RATE (--fault-error-rate): 1.5 is out of range [0, 1]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("GREETER_FAULT_UNAVAILABLE (--fault-unavailable): 'maybe' is not one of false, true"),
                e.getMessage());
        ConfigException nan = assertThrows(ConfigException.class, () -> GreeterConfig.from(
                new String[] {"--fault-error-rate=often"}, Map.of()));
        assertTrue(nan.getMessage().contains("GREETER_FAULT_ERROR_RATE (--fault-error-rate): 'often' is not a number"),
                nan.getMessage());

        GreeterConfig c = GreeterConfig.from(new String[0],
                Map.of("GREETER_FAULT_ERROR_RATE", "0.25", "GREETER_FAULT_UNAVAILABLE", "TRUE"));
        assertEquals(new GreeterFaults.Snapshot(0.25, true), c.faults().snapshot());
        assertEquals(new GreeterFaults.Snapshot(0, false), GreeterConfig.from(new String[0], Map.of()).faults().snapshot());
    }

    @Test
    void aBadValueStopsItAtStartWithStatus2() throws Exception {
        try (Run fault = run(Map.of("GREETER_FAULT_ERROR_RATE", "2"));
             Run protocol = run(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317",
                     "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"))) {
            assertEquals(2, fault.exitStatus(), fault.output());
            assertTrue(fault.output().contains("GREETER_FAULT_ERROR_RATE (--fault-error-rate): 2 is out of range [0, 1]"),
                    fault.output());
            assertEquals(2, protocol.exitStatus(), protocol.output());
            assertTrue(protocol.output().contains("OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' is not supported here"),
                    protocol.output());
        }
    }

    @Test
    void servesThenStopsCleanlyOnSigterm() throws Exception {
        int metricsPort = freePort();
        Run greeter = run(Map.of(), "--metrics-port", String.valueOf(metricsPort));
        try {
            assertEquals(Status.Code.OK, greeter.firstAnswer(GreeterGrpc.newBlockingStub(greeter.channel)));
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("greeter_calls_total{code=\"OK\""), metrics.body());

            greeter.stop();
            String output = greeter.output();
            assertTrue(output.contains("Greeter draining"), output);
            assertTrue(output.contains("Greeter stopped"), output);
            assertTrue(output.lines().filter(l -> l.contains("Greeter stopped")).allMatch(l -> l.startsWith("{")),
                    "logs are structured (one JSON object per line): " + output);
            assertTrue(output.contains("tracing off"), output);
            assertTrue(output.lines().noneMatch(l -> l.contains("\"level\":\"WARN\"") || l.contains("\"level\":\"ERROR\"")),
                    "no warning or error without an OTLP endpoint: " + output);
        } finally {
            greeter.close();
        }
    }

    @Test
    void faultsAndTracingFromTheEnvironment() throws Exception {
        try (OtlpReceiver collector = OtlpReceiver.start()) {
            Run greeter = run(Map.of("GREETER_FAULT_ERROR_RATE", "1", "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()));
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
                assertEquals(Status.Code.UNAVAILABLE, greeter.firstAnswer(GreeterGrpc.newBlockingStub(greeter.channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))));
                greeter.stop(); // the spans still buffered are sent on the way out
                List<OtlpReceiver.Received> spans = collector.await(1, 5_000);
                assertEquals(1, spans.size(), spans + "\n" + greeter.output());
                OtlpReceiver.Received span = spans.get(0);
                assertEquals("greeter", span.serviceName());
                assertEquals("0af7651916cd43dd8448eb211c80319c", span.traceId());
                assertEquals("b7ad6b7169203331", span.parentSpanId());
                assertEquals(Optional.of("14"), span.attribute("rpc.grpc.status_code"));
                assertTrue(greeter.output().contains("tracing OTLP"), greeter.output());
            } finally {
                greeter.close();
            }
        }
    }

    /** The Greeter in its own JVM, as users run it, on a free gRPC port. */
    private static final class Run implements AutoCloseable {
        final Process process;
        final Path log;
        final ManagedChannel channel;

        Run(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.channel = Grpc.newChannelBuilder("localhost:" + port, InsecureChannelCredentials.create()).build();
        }

        /** The code of the first SayHello the Greeter answers itself (not a connection refused while it starts). */
        Status.Code firstAnswer(GreeterGrpc.GreeterBlockingStub stub) {
            try {
                return Await.value("the Greeter's first answer", () -> {
                    try {
                        assertEquals("Hello, world", stub.withDeadlineAfter(1, TimeUnit.SECONDS)
                                .sayHello(HelloRequest.newBuilder().setName("world").build()).getMessage());
                        return Optional.of(Status.Code.OK);
                    } catch (StatusRuntimeException e) {
                        if (String.valueOf(e.getStatus().getDescription()).startsWith("injected fault")) {
                            return Optional.of(e.getStatus().getCode());
                        }
                        throw e; // not the Greeter's own answer (refused while it starts): try again
                    }
                }, Duration.ofSeconds(60), Duration.ofMillis(200));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the Greeter's output: " + output(), e);
            }
        }

        int exitStatus() throws InterruptedException {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the Greeter exits: " + output());
            return process.exitValue();
        }

        /** SIGTERM, and the exit it leads to. */
        void stop() throws InterruptedException {
            channel.shutdownNow();
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the Greeter exits after SIGTERM");
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.shutdownNow();
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static Run run(Map<String, String> env, String... args) throws IOException {
        int grpcPort = freePort();
        Path log = Files.createTempFile("greeter", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GreeterMain.class.getName(), "--port=" + grpcPort));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("GREETER_"));
        pb.environment().putAll(env);
        return new Run(pb.start(), log, grpcPort);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
