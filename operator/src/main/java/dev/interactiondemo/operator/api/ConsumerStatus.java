package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Worker Deployment and its group as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsumerStatus extends WorkloadStatus {

    @JsonPropertyDescription("The consumer group.")
    private String groupId;

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }
}
