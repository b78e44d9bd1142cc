package dev.interactiondemo.localkafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ports a broker listens on, chosen before it starts: those asked for, checked to be free, and free ones for
 * the rest.
 *
 * @param client     the {@code PLAINTEXT} listener's
 * @param controller the controller's listener's
 * @param extra      each extra listener's, by name, in the order they were added
 * @param secured    each secured listener's, by name; empty on a broker that is not secured
 */
record BrokerPorts(int client, int controller, Map<String, Integer> extra, Map<String, Integer> secured) {

    BrokerPorts {
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        secured = Collections.unmodifiableMap(new LinkedHashMap<>(secured));
    }

    /** Chooses the ports of a broker with {@code settings}, on its bind host. */
    static BrokerPorts choose(BrokerSettings settings) {
        String host = settings.bindHost();
        int clientPort = portOrFree(host, settings.port());
        int controllerPort = freePort(host);
        Map<String, Integer> extraPorts = new LinkedHashMap<>();
        settings.extraListeners().keySet().forEach(name -> extraPorts.put(name, freePort(host)));
        Map<String, Integer> securedPorts = new LinkedHashMap<>();
        if (settings.secured()) {
            LocalKafkaBroker.SECURED_LISTENERS.forEach(name ->
                    securedPorts.put(name, portOrFree(host, settings.securedPorts().getOrDefault(name, 0))));
        }
        return new BrokerPorts(clientPort, controllerPort, extraPorts, securedPorts);
    }

    private static int portOrFree(String host, int requested) {
        return requested == 0 ? freePort(host) : requireFree(host, requested);
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    private static int requireFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for the Kafka broker is already in use", e);
        }
    }
}
