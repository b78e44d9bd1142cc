package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A Strimzi {@code KafkaUser} for the demo's credentials: one the operator manages, or an existing one. The clients
 * use the Secret that Strimzi's User Operator writes for it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.managed) && self.managed) != has(self.name)",
        message = "set managed: true (the operator creates the KafkaUser) or name (an existing KafkaUser), not both")
@ValidationRule(value = "!has(self.authentication) || (has(self.managed) && self.managed) || has(self.name)",
        message = "authentication goes with managed or name")
public class KafkaUserSpec {
    @JsonPropertyDescription("true: the operator creates a KafkaUser <metadata.name>-user for this demo, with the ACLs "
            + "it needs and no more (Host: Write, Describe on the topic; Worker: Read on the topic and the group; "
            + "readings: Describe on both), and deletes it with the demo.")
    private Boolean managed;

    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("An existing KafkaUser in this namespace (not changed by the operator); its ACLs must allow "
            + "what the demo does.")
    private String name;

    @JsonPropertyDescription("scram-sha-512 (default) or tls (needs spec.kafka.tls): the KafkaUser's authentication.")
    private KafkaUserAuthentication authentication;

    public Boolean getManaged() {
        return managed;
    }

    public void setManaged(Boolean managed) {
        this.managed = managed;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public KafkaUserAuthentication getAuthentication() {
        return authentication;
    }

    public void setAuthentication(KafkaUserAuthentication authentication) {
        this.authentication = authentication;
    }
}
