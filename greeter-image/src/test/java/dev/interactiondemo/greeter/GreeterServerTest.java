package dev.interactiondemo.greeter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.common.Tracing;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.common.testing.OtlpReceiver;
import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Greeter over a real TCP socket. */
class GreeterServerTest {
    private final PrometheusMeterRegistry registry = Metrics.newRegistry();
    private GreeterServer server;
    private ManagedChannel channel;

    private void start(int maxNameLength, Duration delay) {
        start(new GreeterImpl(maxNameLength, delay), OpenTelemetry.noop());
    }

    private GreeterFaults start(GreeterFaults faults) {
        start(new GreeterImpl(256, Duration.ZERO, faults), OpenTelemetry.noop());
        return faults;
    }

    private void start(GreeterImpl service, OpenTelemetry openTelemetry) {
        server = GreeterServer.start(0, "GREETER_PORT", service, registry, openTelemetry);
        channel = Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        Tracing.shutdown();
    }

    /** The status code of one SayHello. */
    private Status.Code call(GreeterGrpc.GreeterBlockingStub stub, String name) {
        try {
            stub.sayHello(HelloRequest.newBuilder().setName(name).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void saysHello() {
        start(256, Duration.ZERO);
        HelloReply reply = GreeterGrpc.newBlockingStub(channel).sayHello(HelloRequest.newBuilder().setName("Ada").build());
        assertEquals("Hello, Ada", reply.getMessage());
        // The wire path is "/" + the full method name.
        assertEquals("/greet.Greeter/SayHello", "/" + GreeterGrpc.getSayHelloMethod().getFullMethodName());
    }

    @Test
    void rejectsEmptyAndOversizedNamesWithInvalidArgument() {
        start(5, Duration.ZERO);
        var stub = GreeterGrpc.newBlockingStub(channel);
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class,
                () -> stub.sayHello(HelloRequest.newBuilder().setName("").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertEquals("name must not be empty", empty.getStatus().getDescription());
        StatusRuntimeException blank = assertThrows(StatusRuntimeException.class,
                () -> stub.sayHello(HelloRequest.newBuilder().setName("   ").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, blank.getStatus().getCode());
        StatusRuntimeException tooLong = assertThrows(StatusRuntimeException.class,
                () -> stub.sayHello(HelloRequest.newBuilder().setName("Alexander").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLong.getStatus().getCode());
        assertEquals("name is 9 characters long; the limit is 5", tooLong.getStatus().getDescription());
        // The limit counts characters, not UTF-16 units or bytes: five emoji fit.
        assertEquals("Hello, \uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", stub.sayHello(
                HelloRequest.newBuilder().setName("\uD83D\uDE00".repeat(5)).build()).getMessage());
    }

    @Test
    void countsCallsByStatusCodeWithALatencyHistogram() {
        start(256, Duration.ZERO);
        var stub = GreeterGrpc.newBlockingStub(channel);
        stub.sayHello(HelloRequest.newBuilder().setName("a").build());
        stub.sayHello(HelloRequest.newBuilder().setName("b").build());
        assertThrows(StatusRuntimeException.class, () -> stub.sayHello(HelloRequest.getDefaultInstance()));
        String text = registry.scrape();
        assertTrue(text.contains("greeter_calls_total{code=\"OK\",method=\"greet.Greeter/SayHello\"} 2.0"), text);
        assertTrue(text.contains("greeter_calls_total{code=\"INVALID_ARGUMENT\",method=\"greet.Greeter/SayHello\"} 1.0"), text);
        assertTrue(text.contains("greeter_call_duration_seconds_bucket{code=\"OK\",method=\"greet.Greeter/SayHello\",le=\""), text);
    }

    @Test
    void reportsHealthPerService() {
        start(256, Duration.ZERO);
        var health = HealthGrpc.newBlockingStub(channel);
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(ServingStatus.SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("greet.Greeter").build()).getStatus());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> health.check(HealthCheckRequest.newBuilder().setService("nope.Nope").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    @Test
    void listsItsServicesThroughReflection() throws Exception {
        start(256, Duration.ZERO);
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        names.complete(r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).collect(Collectors.toList()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        List<String> services = names.get(10, TimeUnit.SECONDS);
        assertTrue(services.containsAll(List.of("greet.Greeter", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection")), services.toString());
    }

    /** Opens when a SayHello reaches the server: its server span starts as the call does. */
    private static SpanProcessor onServerCall(CountDownLatch latch) {
        return new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
                if (span.getKind() == SpanKind.SERVER && span.getName().equals("greet.Greeter/SayHello")) {
                    latch.countDown();
                }
            }

            @Override
            public boolean isStartRequired() {
                return true;
            }

            @Override
            public void onEnd(ReadableSpan span) {
            }

            @Override
            public boolean isEndRequired() {
                return false;
            }
        };
    }

    @Test
    void drainsOnShutdown() throws Exception {
        // The scenario's times: a call takes 2 s, twice the drain delay, so it is still running when the server
        // stops taking calls at the end of the drain.
        Duration callTime = Duration.ofMillis(2000);
        Duration drain = Duration.ofMillis(1000);
        CountDownLatch callArrived = new CountDownLatch(1);
        SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(onServerCall(callArrived)).build();
        try {
            start(new GreeterImpl(256, callTime), OpenTelemetrySdk.builder().setTracerProvider(tracing).build());
            var health = HealthGrpc.newBlockingStub(channel);
            var future = GreeterGrpc.newFutureStub(channel);
            // A call is in flight when shutdown begins: it has reached the server.
            var inFlight = future.sayHello(HelloRequest.newBuilder().setName("late").build());
            assertTrue(callArrived.await(10, TimeUnit.SECONDS), "the call reached the server");
            CountDownLatch done = new CountDownLatch(1);
            Thread stopper = new Thread(() -> {
                server.shutdown(drain, Duration.ofSeconds(10));
                done.countDown();
            });
            stopper.start();
            // Draining: still reachable, but reporting NOT_SERVING. Each check must be answered: once the drain delay
            // is over the server takes no call, and the UNAVAILABLE thrown then fails the test at once.
            Await.until("health NOT_SERVING while draining", () -> {
                try {
                    return health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                            .getStatus() == ServingStatus.NOT_SERVING;
                } catch (StatusRuntimeException e) {
                    throw new AssertionError("a health check not answered while draining", e); // fails at once
                }
            }, Duration.ofSeconds(10), Duration.ofMillis(10));
            assertTrue(server.isDraining(), "/readyz reports draining");
            assertFalse(inFlight.isDone(), "the call is still running while the server drains");
            assertTrue(done.await(15, TimeUnit.SECONDS));
            // The in-flight call finished normally; new calls are refused.
            assertEquals("Hello, late", inFlight.get(1, TimeUnit.SECONDS).getMessage());
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                            .sayHello(HelloRequest.newBuilder().setName("too late").build()));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertTrue(server.isTerminated());
        } finally {
            tracing.close();
        }
    }

    @Test
    void aTakenPortIsNamed() {
        start(256, Duration.ZERO);
        PortInUseException e = assertThrows(PortInUseException.class, () -> GreeterServer.start(server.port(),
                "GREETER_PORT (--port)", new GreeterImpl(1, Duration.ZERO), registry));
        assertTrue(e.getMessage().contains("GREETER_PORT (--port)"), e.getMessage());
        assertFalse(server.isTerminated());
    }

    // Faults

    @Test
    void errorRateOneFailsEveryCallWithUnavailableAndCountsIt() {
        start(new GreeterFaults(1.0, false));
        var stub = GreeterGrpc.newBlockingStub(channel);
        for (int i = 0; i < 50; i++) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> stub.sayHello(HelloRequest.newBuilder().setName("Ada").build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().startsWith("injected fault: error rate 1.0"),
                    e.getStatus().getDescription());
        }
        assertTrue(registry.scrape().contains(
                "greeter_calls_total{code=\"UNAVAILABLE\",method=\"greet.Greeter/SayHello\"} 50.0"), registry.scrape());
        // An error rate leaves health alone: the Greeter serves, badly.
        assertEquals(ServingStatus.SERVING, health("greet.Greeter"));
    }

    @Test
    void errorRateFailsThatShareOfCallsAndCanBeSwitchedWhileRunning() {
        GreeterFaults faults = start(new GreeterFaults());
        var stub = GreeterGrpc.newBlockingStub(channel);
        faults.setErrorRate(0.3);
        long failed = 0;
        for (int i = 0; i < 1000; i++) {
            Status.Code code = call(stub, "n" + i);
            assertTrue(code == Status.Code.OK || code == Status.Code.UNAVAILABLE, code.toString());
            failed += code == Status.Code.UNAVAILABLE ? 1 : 0;
        }
        assertTrue(failed >= 200 && failed <= 400, failed + " of 1000 calls failed at an error rate of 0.3");
        faults.setErrorRate(0);
        for (int i = 0; i < 200; i++) {
            assertEquals(Status.Code.OK, call(stub, "n" + i));
        }
        assertEquals(new GreeterFaults.Snapshot(0, false), faults.snapshot());
        assertThrows(IllegalArgumentException.class, () -> faults.setErrorRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> faults.setErrorRate(Double.NaN));
    }

    @Test
    void unavailableReportsNotServingAndRefusesCallsUntilSwitchedOff() {
        GreeterFaults faults = start(new GreeterFaults(0, true)); // as GREETER_FAULT_UNAVAILABLE=true starts it
        var stub = GreeterGrpc.newBlockingStub(channel);
        assertEquals(ServingStatus.SERVING, health(""), "the server is alive: its liveness probe does not restart it");
        assertEquals(ServingStatus.NOT_SERVING, health("greet.Greeter"));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> stub.sayHello(HelloRequest.newBuilder().setName("Ada").build()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        assertEquals("injected fault: the Greeter is switched unavailable", refused.getStatus().getDescription());
        assertEquals(Optional.of("fault: unavailable"), server.notServingReason());

        faults.setUnavailable(false);
        assertEquals(ServingStatus.SERVING, health(""));
        assertEquals(ServingStatus.SERVING, health("greet.Greeter"));
        assertEquals("Hello, Ada", stub.sayHello(HelloRequest.newBuilder().setName("Ada").build()).getMessage());
        assertEquals(Optional.empty(), server.notServingReason());

        faults.setUnavailable(true);
        assertEquals(ServingStatus.NOT_SERVING, health("greet.Greeter"));
        assertEquals(Status.Code.UNAVAILABLE, call(stub, "Ada"));
        assertFalse(server.isTerminated(), "the process, and the server, keep running");
        assertSame(faults, server.faults());
    }

    // Tracing

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    /** A stub whose calls carry the W3C trace context of a caller's span, as the Host's instrumented client sends it. */
    private GreeterGrpc.GreeterBlockingStub stubInTrace() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");
        return GreeterGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void eachCallIsAServerSpanInTheCallersTrace() throws Exception {
        try (OtlpReceiver collector = OtlpReceiver.start()) {
            GreeterFaults faults = new GreeterFaults();
            start(new GreeterImpl(256, Duration.ZERO, faults), Tracing.init("greeter-test", Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "50")));
            assertEquals("Hello, Ada", stubInTrace().sayHello(HelloRequest.newBuilder().setName("Ada").build()).getMessage());
            faults.setErrorRate(1);
            assertEquals(Status.Code.UNAVAILABLE, call(stubInTrace(), "Bob"));

            // A span ends just after its call's status is sent, so it may not have ended yet: wait for the export.
            List<OtlpReceiver.Received> spans = collector.await(2, 10_000);
            assertEquals(2, spans.size(), spans.toString());
            assertEquals(List.of(), collector.problems());
            for (OtlpReceiver.Received r : spans) {
                assertEquals("greeter-test", r.serviceName());
                assertEquals("greet.Greeter/SayHello", r.span().getName());
                assertEquals(Span.SpanKind.SPAN_KIND_SERVER, r.span().getKind());
                assertEquals(TRACE_ID, r.traceId(), "the caller's trace");
                assertEquals(CALLER_SPAN_ID, r.parentSpanId(), "a child of the caller's span");
                assertEquals(Optional.of("grpc"), r.attribute("rpc.system"));
                assertEquals(Optional.of("greet.Greeter"), r.attribute("rpc.service"));
                assertEquals(Optional.of("SayHello"), r.attribute("rpc.method"));
            }
            Map<String, Span.Builder> byCode = spans.stream().collect(Collectors.toMap(
                    r -> r.attribute("rpc.grpc.status_code").orElseThrow(), r -> r.span().toBuilder()));
            assertEquals(Set.of("0", "14"), byCode.keySet(), "OK, then UNAVAILABLE");
            assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                    byCode.get("14").getStatus().getCode(), "an injected fault is an error in the trace");
        }
    }

    @Test
    void withoutAnEndpointNothingIsExportedAndNothingLogged() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        // The SDK's default endpoint, if it were used: localhost:4318. Listen there when it is free.
        OtlpReceiver defaultPort = null;
        try {
            defaultPort = OtlpReceiver.start(4318);
        } catch (BindException taken) {
            // another process has it: the assertions below still hold
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try {
            OpenTelemetry otel = Tracing.init("greeter-test", Map.of());
            assertSame(OpenTelemetry.noop(), otel);
            start(new GreeterImpl(256, Duration.ZERO), otel);
            for (int i = 0; i < 10; i++) {
                assertEquals("Hello, Ada", stubInTrace().sayHello(HelloRequest.newBuilder().setName("Ada").build()).getMessage());
            }
            Tracing.shutdown();
            if (defaultPort != null) {
                assertEquals(List.of(), defaultPort.await(1, 500));
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().contains("BatchSpanProcessor") && !before.contains(t)), "no exporter thread");
            assertEquals(List.of(), logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList());
        } finally {
            root.detachAppender(logged);
            if (defaultPort != null) {
                defaultPort.close();
            }
        }
    }
}
