package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A client certificate and its key in a Secret of the demo's namespace (as Strimzi's {@code CertAndKeySecretSource}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CertAndKeySecretSource {
    @Required
    @Size(max = 253)
    @Pattern(SecretNames.SECRET)
    @JsonPropertyDescription("The Secret, in the demo's namespace.")
    private String secretName;

    @Required
    @Size(max = 253)
    @Pattern(SecretNames.KEY)
    @JsonPropertyDescription("The key that holds the PEM client certificate, e.g. user.crt.")
    private String certificate;

    @Required
    @Size(max = 253)
    @Pattern(SecretNames.KEY)
    @JsonPropertyDescription("The key that holds its private key, unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY), e.g. user.key.")
    private String key;

    public CertAndKeySecretSource() {
    }

    public CertAndKeySecretSource(String secretName, String certificate, String key) {
        this.secretName = secretName;
        this.certificate = certificate;
        this.key = key;
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

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
