package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.api.spec.CertAndKeySecretSource;
import dev.interactiondemo.api.spec.CertSecretSource;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.spec.KafkaAuthenticationSpec;
import dev.interactiondemo.api.spec.KafkaAuthenticationType;
import dev.interactiondemo.api.spec.KafkaSpec;
import dev.interactiondemo.api.spec.KafkaUserAuthentication;
import dev.interactiondemo.api.spec.KafkaUserSpec;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.spec.PasswordSecretSource;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a demo's clients reach Kafka, with every default applied: TLS and whom to trust, and the credentials, as
 * references to Secrets of the demo's namespace. A KafkaUser ({@code user}) becomes the Secret Strimzi's User
 * Operator writes for it: {@code password} for SCRAM-SHA-512 (user name = the KafkaUser's name), {@code user.crt}
 * and {@code user.key} for tls. The operator's readings, the Host and the Worker all follow this one description.
 *
 * @param trusted    with tls: the CA certificates to trust; empty for the JVM's default trust
 * @param type       the authentication, or null for none
 * @param kafkaUser  the KafkaUser the credentials come from, or null
 * @param managedUser whether the operator creates that KafkaUser
 */
public record DemoKafkaAccess(boolean tls, List<CertSecretSource> trusted, KafkaAuthenticationType type, String username,
                          PasswordSecretSource password, CertAndKeySecretSource certificateAndKey, String kafkaUser,
                          boolean managedUser) {

    public static DemoKafkaAccess of(InteractionDemo d) {
        KafkaSpec k = d.getSpec().getKafka();
        boolean tls = k.getTls() != null;
        List<CertSecretSource> trusted = List.of();
        if (tls) {
            List<CertSecretSource> given = k.getTls().getTrustedCertificates();
            if (given != null && !given.isEmpty()) {
                trusted = List.copyOf(given);
            } else if (k.getClusterName() != null) {
                trusted = List.of(new CertSecretSource(k.getClusterName() + "-cluster-ca-cert", "ca.crt"));
            }
        }
        KafkaUserSpec user = k.getUser();
        if (user != null) {
            boolean managed = Boolean.TRUE.equals(user.getManaged());
            String name = managed ? Names.kafkaUser(d) : user.getName();
            if (user.getAuthentication() == KafkaUserAuthentication.TLS) {
                return new DemoKafkaAccess(tls, trusted, KafkaAuthenticationType.TLS, null, null,
                        new CertAndKeySecretSource(name, "user.crt", "user.key"), name, managed);
            }
            return new DemoKafkaAccess(tls, trusted, KafkaAuthenticationType.SCRAM_SHA_512, name,
                    new PasswordSecretSource(name, "password"), null, name, managed);
        }
        KafkaAuthenticationSpec a = k.getAuthentication();
        if (a == null) {
            return new DemoKafkaAccess(tls, trusted, null, null, null, null, null, false);
        }
        return new DemoKafkaAccess(tls, trusted, a.getType(), a.getType() == KafkaAuthenticationType.TLS ? null
                : a.getUsername(), a.getType() == KafkaAuthenticationType.TLS ? null : a.getPasswordSecret(),
                a.getType() == KafkaAuthenticationType.TLS ? a.getCertificateAndKey() : null, null, false);
    }

    /** Whether the clients need anything beyond a plaintext connection. */
    public boolean secured() {
        return tls || type != null;
    }

    /** Every Secret this access reads, in a stable order. */
    public Set<String> secretNames() {
        Set<String> names = new LinkedHashSet<>();
        trusted.forEach(t -> names.add(t.getSecretName()));
        if (password != null) {
            names.add(password.getSecretName());
        }
        if (certificateAndKey != null) {
            names.add(certificateAndKey.getSecretName());
        }
        return names;
    }
}
