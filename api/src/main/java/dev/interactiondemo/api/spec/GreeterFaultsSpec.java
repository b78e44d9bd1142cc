package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Faults of the Greeter: the synchronous lessons. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GreeterFaultsSpec {

    @Min(0)
    @Max(1)
    @JsonPropertyDescription("Share of SayHello calls the Greeter answers with UNAVAILABLE (0-1). The Host retries with backoff and publishes nothing without a greeting.")
    private Double errorRate;

    @JsonPropertyDescription("true: the Greeter reports NOT_SERVING and refuses every call while its pod keeps running; the Host blocks, the Worker keeps draining what waits in Kafka.")
    private Boolean unavailable;

    public Double getErrorRate() {
        return errorRate;
    }

    public void setErrorRate(Double errorRate) {
        this.errorRate = errorRate;
    }

    public Boolean getUnavailable() {
        return unavailable;
    }

    public void setUnavailable(Boolean unavailable) {
        this.unavailable = unavailable;
    }
}
