package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.api.spec.CallMode;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What a lesson step may switch on the Host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostSwitches {

    @JsonPropertyDescription("sync or async: how the Host calls the Greeter (spec.host.callMode).")
    private CallMode callMode;

    @Min(0.01)
    @Max(1000)
    @JsonPropertyDescription("Notifications the Host publishes per second (spec.host.messagesPerSecond).")
    private Double messagesPerSecond;

    public CallMode getCallMode() {
        return callMode;
    }

    public void setCallMode(CallMode callMode) {
        this.callMode = callMode;
    }

    public Double getMessagesPerSecond() {
        return messagesPerSecond;
    }

    public void setMessagesPerSecond(Double messagesPerSecond) {
        this.messagesPerSecond = messagesPerSecond;
    }
}
