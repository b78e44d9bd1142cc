package dev.interactiondemo.bench;

import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;

/**
 * The baseline of the gRPC benchmark: a bare grpc-java server with the default builder settings serving the same
 * {@code greet.Greeter/SayHello} (no interceptors, metrics, health, reflection or validation). What our Greeter costs
 * beyond it is what those add. Usage: {@code BaselineGreeterServer <port>}; runs until killed.
 */
public final class BaselineGreeterServer {
    private BaselineGreeterServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = Grpc.newServerBuilderForPort(Integer.parseInt(args[0]), InsecureServerCredentials.create())
                .addService(new GreeterGrpc.GreeterImplBase() {
                    @Override
                    public void sayHello(HelloRequest request, StreamObserver<HelloReply> reply) {
                        reply.onNext(HelloReply.newBuilder().setMessage("Hello, " + request.getName()).build());
                        reply.onCompleted();
                    }
                })
                .build()
                .start();
        System.out.println("baseline Greeter serving on port " + server.getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
    }
}
