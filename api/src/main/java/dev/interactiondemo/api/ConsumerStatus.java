package dev.interactiondemo.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        ConsumerStatus that = (ConsumerStatus) o;
        return super.equals(o) && Objects.equals(groupId, that.groupId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), groupId);
    }
}
