package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * gRPC channels to each demo's Greeter, for the operator's health checks: one per endpoint, reused between checks.
 * The endpoint is the Greeter Service's cluster address unless a resolver says otherwise (tests run the operator
 * outside the cluster).
 */
public final class GreeterChannels implements AutoCloseable {
    private final Function<InteractionDemo, String> endpoint;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public GreeterChannels() {
        this(Names::greeterEndpoint);
    }

    public GreeterChannels(Function<InteractionDemo, String> endpoint) {
        this.endpoint = endpoint;
    }

    ManagedChannel channel(InteractionDemo demo) {
        return channels.computeIfAbsent(endpoint.apply(demo),
                target -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build());
    }

    void forget(InteractionDemo demo) {
        ManagedChannel c = channels.remove(endpoint.apply(demo));
        if (c != null) {
            c.shutdownNow();
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
