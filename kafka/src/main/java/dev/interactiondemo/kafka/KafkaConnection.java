package dev.interactiondemo.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kafka cluster as a client connects to it: the address and the security (TLS, credentials). The one place a
 * Kafka client's connection settings are made: {@link #clientConfig()} for producers and consumers, {@link #admin}
 * for the Admin client the rest of this module calls through. Demos that connect alike share one operator observer
 * and its Admin client; demos with other credentials get their own, so no demo's readings run on another's
 * credentials.
 */
public record KafkaConnection(String bootstrap, KafkaClientSecurity security) {

    /** Plaintext and no authentication, as Kafka's default listener. */
    public static KafkaConnection plaintext(String bootstrap) {
        return new KafkaConnection(bootstrap, KafkaClientSecurity.NONE);
    }

    /** The bootstrap address and the security settings: what every client of this connection starts from. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(security.clientProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return config;
    }

    /**
     * A new Admin client for this connection. A request that gets no answer is given up after at most
     * {@code callTimeout}; reconnecting backs off up to 5 s, so an absent cluster is not asked in a tight loop.
     *
     * @param clientId how the client names itself in the broker's logs and quotas
     */
    public Admin admin(String clientId, Duration callTimeout) {
        Map<String, Object> config = clientConfig();
        int timeout = (int) callTimeout.toMillis();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(3_000, timeout));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        return Admin.create(config);
    }

    /** Checks that the address speaks Kafka, over this connection's TLS if it has one ({@link KafkaAddressCheck}). */
    public KafkaAddressCheck.Result check(Duration deadline) {
        return KafkaAddressCheck.checkAll(bootstrap, deadline, security);
    }

    /** The address and how it is reached; never a secret. */
    @Override
    public String toString() {
        return security.equals(KafkaClientSecurity.NONE) ? bootstrap : bootstrap + " (" + security + ")";
    }
}
