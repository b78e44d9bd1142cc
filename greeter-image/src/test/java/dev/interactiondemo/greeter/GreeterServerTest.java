package dev.interactiondemo.greeter;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Greeter over a real TCP socket. */
class GreeterServerTest {
    private final PrometheusMeterRegistry registry = Metrics.newRegistry();
    private GreeterServer server;
    private ManagedChannel channel;

    private void start(int maxNameLength, Duration delay) {
        server = GreeterServer.start(0, "GREETER_PORT", new GreeterService(maxNameLength, delay), registry);
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

    @Test
    void drainsOnShutdown() throws Exception {
        start(256, Duration.ofMillis(1500));
        var health = HealthGrpc.newBlockingStub(channel);
        var future = GreeterGrpc.newFutureStub(channel);
        // A call is in flight when shutdown begins.
        var inFlight = future.sayHello(HelloRequest.newBuilder().setName("late").build());
        Thread.sleep(200);
        CountDownLatch done = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            server.shutdown(Duration.ofMillis(600), Duration.ofSeconds(10));
            done.countDown();
        });
        stopper.start();
        Thread.sleep(200);
        // Draining: still reachable, but reporting NOT_SERVING.
        assertEquals(ServingStatus.NOT_SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertTrue(server.isDraining(), "/readyz reports draining");
        assertTrue(done.await(15, TimeUnit.SECONDS));
        // The in-flight call finished normally; new calls are refused.
        assertEquals("Hello, late", inFlight.get(1, TimeUnit.SECONDS).getMessage());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .sayHello(HelloRequest.newBuilder().setName("too late").build()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        assertTrue(server.isTerminated());
    }

    @Test
    void aTakenPortIsNamed() {
        start(256, Duration.ZERO);
        PortInUseException e = assertThrows(PortInUseException.class, () -> GreeterServer.start(server.port(),
                "GREETER_PORT (--port)", new GreeterService(1, Duration.ZERO), registry));
        assertTrue(e.getMessage().contains("GREETER_PORT (--port)"), e.getMessage());
        assertFalse(server.isTerminated());
    }
}
