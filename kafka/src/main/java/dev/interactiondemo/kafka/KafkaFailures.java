package dev.interactiondemo.kafka;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.util.Optional;

/**
 * Kafka client failures that a user fixes in the demo's security settings, in words: a refused login, a failed TLS
 * handshake, a missing ACL. Other failures (a broker that does not answer) are not classified.
 */
public final class KafkaFailures {
    public static final String AUTHENTICATION_FAILED = "KafkaAuthenticationFailed";
    public static final String TLS_FAILED = "KafkaTlsFailed";
    public static final String AUTHORIZATION_FAILED = "KafkaAuthorizationFailed";

    /** @param reason a condition reason; @param message what happened, naming the user, topic or group */
    public record Failure(String reason, String message) {
    }

    private KafkaFailures() {
    }

    /** Whether {@code reason} is one of this class's: a failure only the demo's security settings can fix. */
    public static boolean isSecurityFailure(String reason) {
        return AUTHENTICATION_FAILED.equals(reason) || TLS_FAILED.equals(reason) || AUTHORIZATION_FAILED.equals(reason);
    }

    /**
     * The security failure in {@code error} or its causes, if there is one.
     *
     * @param principal who the client authenticates as, for the messages (e.g. {@code User:alice})
     */
    public static Optional<Failure> classify(Throwable error, String principal) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return Optional.of(new Failure(TLS_FAILED, "the TLS handshake with Kafka failed: " + t.getMessage()));
            }
            if (t instanceof SaslAuthenticationException) {
                return Optional.of(new Failure(AUTHENTICATION_FAILED, "Kafka refused the login of " + principal + ": "
                        + t.getMessage()));
            }
            if (t instanceof TopicAuthorizationException e) {
                return Optional.of(new Failure(AUTHORIZATION_FAILED, principal + " is not allowed this on topic(s) "
                        + String.join(", ", e.unauthorizedTopics()) + " (an ACL is missing): " + e.getMessage()));
            }
            if (t instanceof GroupAuthorizationException e) {
                return Optional.of(new Failure(AUTHORIZATION_FAILED, principal + " is not allowed this on consumer group "
                        + e.groupId() + " (an ACL is missing): " + e.getMessage()));
            }
            if (t instanceof ClusterAuthorizationException) {
                return Optional.of(new Failure(AUTHORIZATION_FAILED, principal + " is not allowed this on the cluster (an"
                        + " ACL is missing): " + t.getMessage()));
            }
            if (t instanceof AuthorizationException) {
                return Optional.of(new Failure(AUTHORIZATION_FAILED, principal + ": " + t.getMessage()));
            }
        }
        return Optional.empty();
    }

    /** How a client with {@code security} appears to the broker's ACLs, as far as the client knows it. */
    public static String principal(KafkaClientSecurity security) {
        if (security.sasl()) {
            return "User:" + security.username();
        }
        return security.clientCertificate() ? "the client certificate's user" : "User:ANONYMOUS";
    }
}
