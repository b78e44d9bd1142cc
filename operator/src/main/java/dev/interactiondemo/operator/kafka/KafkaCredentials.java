package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.api.spec.CertSecretSource;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a demo's {@link DemoKafkaAccess} into the {@link KafkaClientSecurity} of the operator's own readings, from the
 * Secrets of the demo's namespace. Only Secrets a demo names are read, one {@code get} each (no list, no watch:
 * the operator's RBAC grants {@code get} on Secrets and nothing more), and kept for {@link #FOUND_FOR} (a rotated
 * password is picked up within that) or, when missing, {@link #MISSING_FOR} (a Secret created after the demo, as
 * Strimzi's User Operator does, is picked up soon).
 */
public final class KafkaCredentials {
    public static final String SECRET_NOT_FOUND = "SecretNotFound";
    public static final String SECRET_NOT_READABLE = "SecretNotReadable";
    public static final String CREDENTIALS_INVALID = "KafkaCredentialsInvalid";
    static final Duration FOUND_FOR = Duration.ofMinutes(2);
    static final Duration MISSING_FOR = Duration.ofSeconds(10);

    /** What resolving gave: the security, or why there is none. */
    public sealed interface Result permits Resolved, Failed {
    }

    public record Resolved(KafkaClientSecurity security) implements Result {
    }

    /** @param reason a condition reason ({@link #SECRET_NOT_FOUND}, ...); @param message naming the Secret and key */
    public record Failed(String reason, String message) implements Result {
    }

    private record Key(String namespace, String name) {
    }

    private record Cached(Map<String, String> data, Instant readAt, String reason, String problem) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    public KafkaCredentials(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** The security for {@code access}, reading the Secrets it names in {@code namespace}. */
    public Result resolve(String namespace, DemoKafkaAccess access) {
        if (!access.secured()) {
            return new Resolved(KafkaClientSecurity.NONE);
        }
        try {
            String trusted = null;
            if (!access.trusted().isEmpty()) {
                StringBuilder pem = new StringBuilder();
                for (CertSecretSource source : access.trusted()) {
                    pem.append(certificates(namespace, source)).append('\n');
                }
                trusted = pem.toString();
            }
            String mechanism = access.type() == null ? null : access.type().saslMechanism();
            String password = null;
            if (mechanism != null) {
                password = KafkaClientSecurity.secretText(value(namespace, access.password().getSecretName(),
                        access.password().getPassword(), "the password"));
            }
            String certificate = null;
            String key = null;
            if (access.certificateAndKey() != null) {
                var ck = access.certificateAndKey();
                certificate = value(namespace, ck.getSecretName(), ck.getCertificate(), "the client certificate");
                key = value(namespace, ck.getSecretName(), ck.getKey(), "the client key");
            }
            KafkaClientSecurity security = new KafkaClientSecurity(access.tls(), mechanism, access.username(), password,
                    trusted, certificate, key);
            security.validate("the trusted certificates (" + describe(access.trusted()) + ")",
                    access.certificateAndKey() == null ? "" : where(access.certificateAndKey().getSecretName(),
                            access.certificateAndKey().getCertificate()),
                    access.certificateAndKey() == null ? "" : where(access.certificateAndKey().getSecretName(),
                            access.certificateAndKey().getKey()));
            return new Resolved(security);
        } catch (Missing e) {
            return new Failed(e.reason, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Failed(CREDENTIALS_INVALID, e.getMessage());
        }
    }

    private String certificates(String namespace, CertSecretSource source) {
        if (source.getCertificate() != null) {
            return value(namespace, source.getSecretName(), source.getCertificate(), "a trusted certificate");
        }
        Map<String, String> data = secret(namespace, source.getSecretName());
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source.getPattern());
        StringBuilder pem = new StringBuilder();
        new TreeMap<>(data).forEach((k, v) -> {
            if (glob.matches(Path.of(k))) {
                pem.append(v).append('\n');
            }
        });
        if (pem.isEmpty()) {
            throw new Missing(SECRET_NOT_FOUND, "no key of Secret " + source.getSecretName() + " matches the pattern "
                    + source.getPattern() + " (its keys: " + new TreeMap<>(data).keySet() + ")");
        }
        return pem.toString();
    }

    private String value(String namespace, String secret, String key, String what) {
        String v = secret(namespace, secret).get(key);
        if (v == null) {
            throw new Missing(SECRET_NOT_FOUND, "Secret " + secret + " has no key " + key + " (" + what + ")");
        }
        return v;
    }

    private Map<String, String> secret(String namespace, String name) {
        Key key = new Key(namespace, name);
        Instant now = clock.instant();
        Cached c = cache.get(key);
        if (c == null || c.readAt().plus(c.data() == null ? MISSING_FOR : FOUND_FOR).isBefore(now)) {
            c = read(namespace, name, now);
            cache.put(key, c);
        }
        if (c.data() == null) {
            throw new Missing(c.reason(), c.problem());
        }
        return c.data();
    }

    private Cached read(String namespace, String name, Instant now) {
        Secret s;
        try {
            s = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            return new Cached(null, now, SECRET_NOT_READABLE, "cannot read Secret " + name + " in namespace " + namespace + ": "
                    + (e.getCode() == 403 ? "the operator may not get Secrets here (its RBAC)" : e.getMessage()));
        }
        if (s == null) {
            return new Cached(null, now, SECRET_NOT_FOUND, "Secret " + name + " not found in namespace " + namespace);
        }
        Map<String, String> data = new TreeMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            data.putAll(s.getStringData());
        }
        return new Cached(Map.copyOf(data), now, null, null);
    }

    private static String describe(java.util.List<CertSecretSource> sources) {
        return String.join(", ", sources.stream().map(s -> where(s.getSecretName(), s.getCertificate() != null
                ? s.getCertificate() : s.getPattern())).toList());
    }

    private static String where(String secret, String key) {
        return "Secret " + secret + ", key " + key;
    }

    private static final class Missing extends RuntimeException {
        final String reason;

        Missing(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
