package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** One partition of the topic as the demo's group sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitionLag {

    @JsonPropertyDescription("The partition number.")
    private Integer partition;

    @JsonPropertyDescription("Its end offset: every record appended.")
    private Long end;

    @JsonPropertyDescription("The group's committed offset on it (0 when nothing was committed).")
    private Long committed;

    @JsonPropertyDescription("Records waiting in it for the group.")
    private Long lag;

    public Integer getPartition() {
        return partition;
    }

    public void setPartition(Integer partition) {
        this.partition = partition;
    }

    public Long getEnd() {
        return end;
    }

    public void setEnd(Long end) {
        this.end = end;
    }

    public Long getCommitted() {
        return committed;
    }

    public void setCommitted(Long committed) {
        this.committed = committed;
    }

    public Long getLag() {
        return lag;
    }

    public void setLag(Long lag) {
        this.lag = lag;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        PartitionLag that = (PartitionLag) o;
        return Objects.equals(partition, that.partition) && Objects.equals(end, that.end) && Objects.equals(committed, that.committed) && Objects.equals(lag, that.lag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, end, committed, lag);
    }
}
