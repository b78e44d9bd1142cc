package dev.interactiondemo.localkafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link LocalKafkaBroker.Builder} collected, fixed when it starts the broker. The maps keep the order they
 * were given in: it is the order of the listeners and of the settings in server.properties.
 *
 * @param port             the client port; 0 picks a free one
 * @param maxHeap          null: {@link LocalKafkaBroker#DEFAULT_MAX_HEAP}, unless {@code jvmOptions} are given
 * @param jvmOptions       null: the default flags, small and quick to start
 * @param parentDirectory  null: the system's temporary directory
 * @param extraListeners   name to advertised address ({@code host:port})
 * @param serverTls        null: no secured listeners
 * @param securedPorts     the ports asked for secured listeners; those not in it get a free one
 * @param plainUsers       name to password of the SASL PLAIN users
 */
record BrokerSettings(int port, String bindHost, String advertisedHost, int defaultPartitions, Duration startTimeout,
                      String maxHeap, List<String> jvmOptions, Map<String, String> extraConfig, Path parentDirectory,
                      Map<String, String> extraListeners, Certificates.TlsMaterial serverTls,
                      Map<String, Integer> securedPorts, Map<String, String> plainUsers) {

    BrokerSettings {
        extraConfig = ordered(extraConfig);
        extraListeners = ordered(extraListeners);
        securedPorts = ordered(securedPorts);
        plainUsers = ordered(plainUsers);
    }

    /** Whether the broker has the secured listeners and the ACL authorizer. */
    boolean secured() {
        return serverTls != null;
    }

    /** The broker JVM's flags: {@link #jvmOptions}, or the default ones with {@link #maxHeap}. */
    List<String> jvmFlags() {
        return jvmOptions != null ? jvmOptions
                : List.of("-Xmx" + (maxHeap != null ? maxHeap : LocalKafkaBroker.DEFAULT_MAX_HEAP), "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1");
    }

    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
