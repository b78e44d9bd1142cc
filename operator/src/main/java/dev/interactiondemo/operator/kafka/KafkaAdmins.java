package dev.interactiondemo.operator.kafka;

import org.apache.kafka.clients.admin.Admin;
import dev.interactiondemo.probes.ProbeException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One Kafka Admin client per bootstrap address, shared by every InteractionDemo that uses it. */
public final class KafkaAdmins implements AutoCloseable {
    private final Map<String, Admin> admins = new ConcurrentHashMap<>();

    /**
     * The Admin client for {@code bootstrapServers}.
     *
     * @throws ProbeException when no client can be made, e.g. no bootstrap host resolves (yet)
     */
    public Admin forBootstrap(String bootstrapServers) {
        try {
            return admins.computeIfAbsent(bootstrapServers, KafkaAdmins::create);
        } catch (KafkaException e) {
            throw new ProbeException(ProbeException.Kind.UNREACHABLE, "cannot reach Kafka at " + bootstrapServers + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        }
    }

    private static Admin create(String b) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b,
                AdminClientConfig.CLIENT_ID_CONFIG, "interaction-demo-operator",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                // An unreachable Kafka should not make the client retry for long: the next reconcile tries again.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000));
    }

    @Override
    public void close() {
        admins.values().forEach(Admin::close);
        admins.clear();
    }
}
