package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.common.Defaults;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The Greeter Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GreeterSpec extends ComponentSpec {

    @Default("" + Defaults.REPLICAS)
    @Min(0)
    @Max(20)
    @JsonPropertyDescription("Number of Greeter pods. 0 stops the Greeter: the Host then publishes nothing (the synchronous lesson).")
    private Integer replicas;

    @Default(Defaults.RESPONSE_DELAY)
    @Pattern(Patterns.DURATION)
    @ValidationRule(value = Patterns.AT_MOST_60S, message = Patterns.AT_MOST_60S_MESSAGE)
    @JsonPropertyDescription("Latency each reply gets on purpose, e.g. 50ms: slows the Host in sync mode much more than in async mode.")
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
