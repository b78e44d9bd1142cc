package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Worker Deployment and its group as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsumerStatus {

    @JsonPropertyDescription("Desired pods.")
    private Integer replicas;

    @JsonPropertyDescription("Pods ready.")
    private Integer readyReplicas;

    @JsonPropertyDescription("The consumer group.")
    private String groupId;

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

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }
}
