package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.api.spec.Patterns;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** What a lesson step may switch on the Workers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerSwitches {

    @Min(0)
    @Max(8)
    @JsonPropertyDescription("Worker pods: 0 stops the Workers (messages wait in Kafka), more drain faster, up to one per partition.")
    private Integer replicas;

    @Pattern(Patterns.DURATION)
    @ValidationRule(value = Patterns.AT_MOST_60S, message = Patterns.AT_MOST_60S_MESSAGE)
    @JsonPropertyDescription("Time each Worker spends on each notification (spec.worker.processingDelay), e.g. 100ms.")
    private String processingDelay;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getProcessingDelay() {
        return processingDelay;
    }

    public void setProcessingDelay(String processingDelay) {
        this.processingDelay = processingDelay;
    }
}
