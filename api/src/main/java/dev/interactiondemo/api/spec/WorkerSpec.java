package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.common.Defaults;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The notification Worker Deployment (the consumer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerSpec extends ComponentSpec {

    @Default("" + Defaults.REPLICAS)
    @Min(0)
    @Max(20)
    @JsonPropertyDescription("Number of Worker pods; 0 is allowed: messages then wait in Kafka and the lag grows (the asynchronous lesson).")
    private Integer replicas;

    @Pattern("^[a-zA-Z0-9._-]{1,249}$")
    @JsonPropertyDescription("Kafka consumer group. Default: <namespace>.<metadata.name>-workers.")
    private String groupId;

    @Default(Defaults.PROCESSING_DELAY)
    @Pattern(Patterns.DURATION)
    @ValidationRule(value = Patterns.AT_MOST_60S, message = Patterns.AT_MOST_60S_MESSAGE)
    @JsonPropertyDescription("Time each Worker spends on each notification, e.g. 250ms; above 1/messagesPerSecond the lag grows.")
    private String processingDelay;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getProcessingDelay() {
        return processingDelay;
    }

    public void setProcessingDelay(String processingDelay) {
        this.processingDelay = processingDelay;
    }
}
