package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        WorkloadStatus that = (WorkloadStatus) o;
        return Objects.equals(replicas, that.replicas) && Objects.equals(readyReplicas, that.readyReplicas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(replicas, readyReplicas);
    }
}
