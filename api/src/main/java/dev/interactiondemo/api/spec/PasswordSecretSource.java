package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A password in a Secret of the demo's namespace (as Strimzi's {@code PasswordSecretSource}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PasswordSecretSource {
    @Required
    @Size(max = 253)
    @Pattern(SecretNames.SECRET)
    @JsonPropertyDescription("The Secret, in the demo's namespace.")
    private String secretName;

    @Required
    @Size(max = 253)
    @Pattern(SecretNames.KEY)
    @JsonPropertyDescription("The key that holds the password (one trailing line break is ignored).")
    private String password;

    public PasswordSecretSource() {
    }

    public PasswordSecretSource(String secretName, String password) {
        this.secretName = secretName;
        this.password = password;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
