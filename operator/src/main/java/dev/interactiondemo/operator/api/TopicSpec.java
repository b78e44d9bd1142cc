package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Map;

/** The notifications topic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(oldSelf.name) || (has(self.name) && self.name == oldSelf.name)",
        message = "the topic name cannot change; create a new InteractionDemo instead", fieldPath = ".name")
@ValidationRule(value = "!has(oldSelf.management) || (has(self.management) && self.management == oldSelf.management)",
        message = "topic management cannot change", fieldPath = ".management")
public class TopicSpec {

    @Pattern("^[a-zA-Z0-9._-]{1,249}$")
    @JsonPropertyDescription("Topic name (letters, digits, '.', '_', '-'; at most 249). Default: <metadata.name>-notifications.")
    private String name;

    @Default("3")
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Number of partitions: the most Workers that consume in parallel. Can grow, never shrink.")
    private Integer partitions;

    @Default("1")
    @Min(1)
    @Max(10)
    @JsonPropertyDescription("Replication factor: copies of each partition. At most the number of brokers.")
    private Integer replicas;

    @JsonPropertyDescription("Topic configuration, e.g. retention.ms: \"3600000\".")
    private Map<String, String> config;

    @Default("Strimzi")
    @JsonPropertyDescription("Who manages the topic: Strimzi (a KafkaTopic resource; needs clusterName), Direct (the "
            + "operator, through Kafka's Admin API; the topic is deleted with the InteractionDemo) or External "
            + "(it must already exist).")
    private TopicManagement management;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPartitions() {
        return partitions;
    }

    public void setPartitions(Integer partitions) {
        this.partitions = partitions;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Map<String, String> getConfig() {
        return config;
    }

    public void setConfig(Map<String, String> config) {
        this.config = config;
    }

    public TopicManagement getManagement() {
        return management;
    }

    public void setManagement(TopicManagement management) {
        this.management = management;
    }
}
