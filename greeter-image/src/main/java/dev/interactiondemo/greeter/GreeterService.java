package dev.interactiondemo.greeter;

import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;

/** {@code greet.Greeter}: {@code SayHello(name)} answers {@code "Hello, <name>"}. */
public final class GreeterService extends GreeterGrpc.GreeterImplBase {
    private final int maxNameLength;
    private final Duration responseDelay;

    /**
     * @param maxNameLength longest accepted name, in Unicode code points
     * @param responseDelay artificial latency added to every reply (0 for none), to make the cost of waiting visible
     */
    public GreeterService(int maxNameLength, Duration responseDelay) {
        this.maxNameLength = maxNameLength;
        this.responseDelay = responseDelay;
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responseObserver) {
        String name = request.getName();
        if (name.isBlank()) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("name must not be empty").asRuntimeException());
            return;
        }
        int length = name.codePointCount(0, name.length());
        if (length > maxNameLength) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("name is " + length + " characters long; the limit is " + maxNameLength)
                    .asRuntimeException());
            return;
        }
        if (!responseDelay.isZero()) {
            try {
                Thread.sleep(responseDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                responseObserver.onError(Status.CANCELLED.withDescription("server shutting down").asRuntimeException());
                return;
            }
        }
        responseObserver.onNext(HelloReply.newBuilder().setMessage("Hello, " + name).build());
        responseObserver.onCompleted();
    }
}
