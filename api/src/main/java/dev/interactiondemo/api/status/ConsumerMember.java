package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Objects;

/** A member of the demo's consumer group (a Worker) and the partitions it holds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsumerMember {

    @JsonPropertyDescription("The member's client id (the Worker's pod name in a cluster).")
    private String clientId;

    @JsonPropertyDescription("Where the member connects from.")
    private String host;

    @JsonPropertyDescription("The partitions assigned to it; none when the group has more members than the topic has partitions.")
    private List<Integer> partitions;

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public List<Integer> getPartitions() {
        return partitions;
    }

    public void setPartitions(List<Integer> partitions) {
        this.partitions = partitions;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        ConsumerMember that = (ConsumerMember) o;
        return Objects.equals(clientId, that.clientId) && Objects.equals(host, that.host) && Objects.equals(partitions, that.partitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientId, host, partitions);
    }
}
