package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How the demo's clients authenticate to Kafka (as Strimzi's {@code KafkaClientAuthentication}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'tls' || (has(self.username) && has(self.passwordSecret))",
        message = "SASL authentication (scram-sha-512, scram-sha-256, plain) needs username and passwordSecret",
        fieldPath = ".passwordSecret")
@ValidationRule(value = "self.type != 'tls' || has(self.certificateAndKey)",
        message = "tls authentication needs certificateAndKey", fieldPath = ".certificateAndKey")
@ValidationRule(value = "self.type == 'tls' ? !has(self.username) && !has(self.passwordSecret) "
        + ": !has(self.certificateAndKey)",
        message = "tls authentication takes certificateAndKey only; SASL takes username and passwordSecret only")
public class KafkaAuthenticationSpec {
    @Required
    @JsonPropertyDescription("scram-sha-512, scram-sha-256 or plain (SASL with a user name and password), or tls (a "
            + "client certificate; needs spec.kafka.tls).")
    private KafkaAuthenticationType type;

    @Size(max = 256)
    @Pattern("^[^\\s\"\\\\]+$")
    @JsonPropertyDescription("The SASL user name.")
    private String username;

    @JsonPropertyDescription("The SASL password.")
    private PasswordSecretSource passwordSecret;

    @JsonPropertyDescription("The client certificate and key (tls).")
    private CertAndKeySecretSource certificateAndKey;

    public KafkaAuthenticationType getType() {
        return type;
    }

    public void setType(KafkaAuthenticationType type) {
        this.type = type;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public PasswordSecretSource getPasswordSecret() {
        return passwordSecret;
    }

    public void setPasswordSecret(PasswordSecretSource passwordSecret) {
        this.passwordSecret = passwordSecret;
    }

    public CertAndKeySecretSource getCertificateAndKey() {
        return certificateAndKey;
    }

    public void setCertificateAndKey(CertAndKeySecretSource certificateAndKey) {
        this.certificateAndKey = certificateAndKey;
    }
}
