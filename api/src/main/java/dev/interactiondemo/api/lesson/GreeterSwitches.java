package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.api.spec.Patterns;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** What a lesson step may switch on the Greeter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GreeterSwitches {

    @Min(0)
    @Max(3)
    @JsonPropertyDescription("Greeter pods: 0 stops the Greeter, 1 or more starts it again.")
    private Integer replicas;

    @Pattern(Patterns.DURATION)
    @ValidationRule(value = Patterns.AT_MOST_60S, message = Patterns.AT_MOST_60S_MESSAGE)
    @JsonPropertyDescription("The Greeter's spec.greeter.responseDelay, e.g. 200ms.")
    private String responseDelay;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getResponseDelay() {
        return responseDelay;
    }

    public void setResponseDelay(String responseDelay) {
        this.responseDelay = responseDelay;
    }
}
