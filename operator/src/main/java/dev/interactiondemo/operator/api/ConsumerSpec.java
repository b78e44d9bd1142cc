package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The notification Worker Deployment (the consumer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsumerSpec {

    @Default("1")
    @Min(0)
    @Max(20)
    @JsonPropertyDescription("Number of Worker pods; 0 is allowed: messages then wait in Kafka and the lag grows (the asynchronous lesson).")
    private Integer replicas;

    @Pattern("^[a-zA-Z0-9._-]{1,249}$")
    @JsonPropertyDescription("Kafka consumer group. Default: <metadata.name>-workers.")
    private String groupId;

    @Default("0ms")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("Time each Worker spends on each notification, e.g. 250ms; above 1/messagesPerSecond the lag grows.")
    private String processingDelay;

    @Pattern("^[^\\s]+$")
    @JsonPropertyDescription("Container image; default: the operator's configured image for this part.")
    private String image;

    @JsonPropertyDescription("CPU and memory requests and limits; default: the operator's defaults for this part.")
    private ResourceRequirements resources;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getProcessingDelay() {
        return processingDelay;
    }

    public void setProcessingDelay(String processingDelay) {
        this.processingDelay = processingDelay;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }
}
