package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Objects;

/** The Worker Deployment and its group as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerStatus extends WorkloadStatus {

    @JsonPropertyDescription("The consumer group.")
    private String groupId;

    @JsonPropertyDescription("The group's members (Workers) and the partitions each holds: more Workers than partitions "
            + "leaves some idle.")
    private List<ConsumerMember> members;

    @JsonPropertyDescription("Per partition: end offset, committed offset and lag.")
    private List<PartitionLag> partitions;

    public List<ConsumerMember> getMembers() {
        return members;
    }

    public void setMembers(List<ConsumerMember> members) {
        this.members = members;
    }

    public List<PartitionLag> getPartitions() {
        return partitions;
    }

    public void setPartitions(List<PartitionLag> partitions) {
        this.partitions = partitions;
    }

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
        WorkerStatus that = (WorkerStatus) o;
        return super.equals(o) && Objects.equals(groupId, that.groupId) && Objects.equals(members, that.members)
                && Objects.equals(partitions, that.partitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), groupId, members, partitions);
    }
}
