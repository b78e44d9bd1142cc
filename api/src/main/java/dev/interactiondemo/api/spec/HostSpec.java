package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.common.Defaults;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The notification Host Deployment (the producer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostSpec extends ComponentSpec {

    @Default("" + Defaults.REPLICAS)
    @Min(0)
    @Max(20)
    @JsonPropertyDescription("Number of Host pods.")
    private Integer replicas;

    @Default("" + Defaults.RATE)
    @Min(0.01)
    @Max(1000)
    @JsonPropertyDescription("Notifications each Host publishes per second (0.01-1000).")
    private Double messagesPerSecond;

    @Default(Defaults.CALL_MODE)
    @JsonPropertyDescription("How the Host calls the Greeter: sync (one blocking call at a time) or async (up to maxInFlight calls outstanding).")
    private CallMode callMode;

    @Default("" + Defaults.MAX_IN_FLIGHT)
    @Min(1)
    @Max(1024)
    @JsonPropertyDescription("async mode: the most Greeter calls outstanding at once.")
    private Integer maxInFlight;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Double getMessagesPerSecond() {
        return messagesPerSecond;
    }

    public void setMessagesPerSecond(Double messagesPerSecond) {
        this.messagesPerSecond = messagesPerSecond;
    }

    public CallMode getCallMode() {
        return callMode;
    }

    public void setCallMode(CallMode callMode) {
        this.callMode = callMode;
    }

    public Integer getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(Integer maxInFlight) {
        this.maxInFlight = maxInFlight;
    }
}
