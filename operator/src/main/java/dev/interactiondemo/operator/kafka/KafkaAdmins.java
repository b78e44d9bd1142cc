package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.common.KafkaAddressCheck;
import dev.interactiondemo.probes.ProbeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Kafka Admin clients, one per bootstrap address, shared by the InteractionDemos that use it and closed when the last
 * of them goes.
 * <p>
 * An address is handed to kafka-clients only after {@link KafkaAddressCheck} found a Kafka broker there: kafka-clients
 * would otherwise size a buffer from the first bytes of an HTTP or TLS answer and take the operator's heap. An address
 * that failed the check is not checked again for {@link #RECHECK_AFTER}: a demo pointing at it costs at most one
 * bounded check per that interval, and never holds a reconciler thread longer than {@link #CHECK_DEADLINE}.
 */
public final class KafkaAdmins implements AutoCloseable {
    public static final Duration CHECK_DEADLINE = Duration.ofSeconds(3);
    public static final Duration RECHECK_AFTER = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAdmins.class);

    private record Refusal(ProbeException.Kind kind, String message, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Admin> admins = new HashMap<>();
    private final Map<String, Refusal> refusals = new HashMap<>();
    /** Which address each demo (namespace/name) uses. */
    private final Map<String, String> users = new HashMap<>();

    public KafkaAdmins() {
        this(Clock.systemUTC());
    }

    public KafkaAdmins(Clock clock) {
        this.clock = clock;
    }

    /**
     * The Admin client for {@code bootstrapServers}, on behalf of demo {@code user}.
     *
     * @throws ProbeException when the address is not Kafka ({@link ProbeException.Kind#NOT_KAFKA}) or cannot be
     *                        reached ({@link ProbeException.Kind#UNREACHABLE}); the message names the address
     */
    public Admin forBootstrap(String user, String bootstrapServers) {
        Admin admin;
        synchronized (this) {
            String before = users.put(user, bootstrapServers);
            if (before != null && !before.equals(bootstrapServers)) {
                closeIfUnused(before);
            }
            admin = admins.get(bootstrapServers);
            if (admin != null) {
                return admin;
            }
            Refusal r = refusals.get(bootstrapServers);
            if (r != null && r.at().plus(RECHECK_AFTER).isAfter(clock.instant())) {
                throw new ProbeException(r.kind(), r.message(), null);
            }
        }
        // The check runs outside the lock: other demos' addresses are not held up by this one's deadline.
        KafkaAddressCheck.Result check = KafkaAddressCheck.checkAll(bootstrapServers, CHECK_DEADLINE);
        synchronized (this) {
            if (!check.isKafka()) {
                ProbeException.Kind kind = check.verdict() == KafkaAddressCheck.Verdict.NOT_KAFKA
                        ? ProbeException.Kind.NOT_KAFKA : ProbeException.Kind.UNREACHABLE;
                Refusal before = refusals.put(bootstrapServers, new Refusal(kind, check.message(), clock.instant()));
                if (before == null || !before.message().equals(check.message())) {
                    LOG.warn("Not connecting a Kafka client to {}: {}", bootstrapServers, check.message());
                }
                throw new ProbeException(kind, check.message(), null);
            }
            refusals.remove(bootstrapServers);
            if (!users.containsValue(bootstrapServers)) {
                throw new ProbeException(ProbeException.Kind.UNREACHABLE, "no demo uses " + bootstrapServers
                        + " any more", null);
            }
            try {
                return admins.computeIfAbsent(bootstrapServers, KafkaAdmins::create);
            } catch (KafkaException e) {
                throw new ProbeException(ProbeException.Kind.UNREACHABLE, "cannot reach Kafka at " + bootstrapServers
                        + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
            }
        }
    }

    /** The demo {@code user} is gone: its address's client closes when no other demo uses it. */
    public synchronized void release(String user) {
        String address = users.remove(user);
        if (address != null) {
            closeIfUnused(address);
        }
    }

    /** How many Admin clients are open (for tests and metrics). */
    public synchronized int openClients() {
        return admins.size();
    }

    private void closeIfUnused(String address) {
        if (users.containsValue(address)) {
            return;
        }
        refusals.remove(address);
        Admin admin = admins.remove(address);
        if (admin != null) {
            LOG.info("Closing the Kafka Admin client of {}: no demo uses it any more", address);
            admin.close(Duration.ofSeconds(5));
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
    public synchronized void close() {
        admins.values().forEach(a -> a.close(Duration.ofSeconds(5)));
        admins.clear();
        users.clear();
        refusals.clear();
    }
}
