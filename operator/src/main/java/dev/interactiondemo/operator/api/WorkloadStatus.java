package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A Deployment as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadStatus {

    @JsonPropertyDescription("Desired pods.")
    private Integer replicas;

    @JsonPropertyDescription("Pods ready.")
    private Integer readyReplicas;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }
}
