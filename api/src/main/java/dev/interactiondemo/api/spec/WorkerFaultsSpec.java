package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Faults of the Worker: at-least-once delivery. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerFaultsSpec {

    @Min(0)
    @Max(1)
    @JsonPropertyDescription("Share of batches after which a Worker stops before committing its offsets (e.g. 0.01): the redelivered notifications show as duplicates in the audit, and none is lost.")
    private Double failBeforeCommit;

    public Double getFailBeforeCommit() {
        return failBeforeCommit;
    }

    public void setFailBeforeCommit(Double failBeforeCommit) {
        this.failBeforeCommit = failBeforeCommit;
    }
}
