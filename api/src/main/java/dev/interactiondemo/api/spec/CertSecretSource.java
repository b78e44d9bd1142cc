package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** PEM certificates in a Secret of the demo's namespace (as Strimzi's {@code CertSecretSource}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.certificate) != has(self.pattern)",
        message = "set certificate (one key of the Secret) or pattern (a glob over its keys), not both")
public class CertSecretSource {
    @Required
    @Size(max = 253)
    @Pattern(SecretNames.SECRET)
    @JsonPropertyDescription("The Secret, in the demo's namespace. For a Strimzi cluster: <cluster>-cluster-ca-cert.")
    private String secretName;

    @Size(max = 253)
    @Pattern(SecretNames.KEY)
    @JsonPropertyDescription("The key that holds the PEM certificate(s), e.g. ca.crt.")
    private String certificate;

    @Size(max = 253)
    @Pattern("^[-._a-zA-Z0-9*?]+$")
    @JsonPropertyDescription("A glob over the Secret's keys ('*' and '?'), e.g. *.crt: every matching key is trusted.")
    private String pattern;

    public CertSecretSource() {
    }

    public CertSecretSource(String secretName, String certificate) {
        this.secretName = secretName;
        this.certificate = certificate;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getCertificate() {
        return certificate;
    }

    public void setCertificate(String certificate) {
        this.certificate = certificate;
    }

    public String getPattern() {
        return pattern;
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }
}
