package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** The topic as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicStatus {

    @JsonPropertyDescription("Topic name.")
    private String name;

    @JsonPropertyDescription("Whether the topic exists and is ready.")
    private Boolean ready;

    @JsonPropertyDescription("Strimzi, Direct or External.")
    private String management;

    @JsonPropertyDescription("Partitions, as Kafka reports them.")
    private Integer partitions;

    @JsonPropertyDescription("Direct mode: the id of the topic the operator created for this demo. Only a topic with "
            + "this id is ever altered or deleted.")
    private String topicId;

    @JsonPropertyDescription("Direct mode: true once the operator found no topic of this name and set out to create "
            + "it, until its id is recorded: a topic of this name found then is the one it created.")
    private Boolean createRequested;

    public Boolean getCreateRequested() {
        return createRequested;
    }

    public void setCreateRequested(Boolean createRequested) {
        this.createRequested = createRequested;
    }

    public String getTopicId() {
        return topicId;
    }

    public void setTopicId(String topicId) {
        this.topicId = topicId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getReady() {
        return ready;
    }

    public void setReady(Boolean ready) {
        this.ready = ready;
    }

    public String getManagement() {
        return management;
    }

    public void setManagement(String management) {
        this.management = management;
    }

    public Integer getPartitions() {
        return partitions;
    }

    public void setPartitions(Integer partitions) {
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
        TopicStatus that = (TopicStatus) o;
        return Objects.equals(name, that.name) && Objects.equals(ready, that.ready) && Objects.equals(management, that.management) && Objects.equals(partitions, that.partitions) && Objects.equals(topicId, that.topicId)
                && Objects.equals(createRequested, that.createRequested);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, ready, management, partitions, topicId, createRequested);
    }
}
