package dev.interactiondemo.greeter;

import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code greet.Greeter}: {@code SayHello(name)} answers {@code "Hello, <name>"}, unless a {@link GreeterFaults fault}
 * is switched on.
 */
public final class GreeterImpl extends GreeterGrpc.GreeterImplBase {
    private final int maxNameLength;
    private final Duration responseDelay;
    private final GreeterFaults faults;

    /** With no fault switched on (they can be, through {@link #faults()}). */
    public GreeterImpl(int maxNameLength, Duration responseDelay) {
        this(maxNameLength, responseDelay, new GreeterFaults());
    }

    /**
     * @param maxNameLength longest accepted name, in Unicode code points
     * @param responseDelay artificial latency added to every reply (0 for none), to make the cost of waiting visible
     * @param faults        the fault switches, consulted on every call
     */
    public GreeterImpl(int maxNameLength, Duration responseDelay, GreeterFaults faults) {
        this.maxNameLength = maxNameLength;
        this.responseDelay = responseDelay;
        this.faults = faults;
    }

    public GreeterFaults faults() {
        return faults;
    }

    @Override
    public void sayHello(HelloRequest request, StreamObserver<HelloReply> responseObserver) {
        Optional<Status> fault = faults.injectedFault();
        if (fault.isPresent()) {
            responseObserver.onError(fault.get().asRuntimeException());
            return;
        }
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
