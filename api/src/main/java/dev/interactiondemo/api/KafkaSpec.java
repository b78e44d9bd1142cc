package dev.interactiondemo.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where Kafka is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.clusterName) || has(self.bootstrapServers)",
        message = "set clusterName (a Strimzi Kafka cluster in this namespace) or bootstrapServers (any Kafka)")
@ValidationRule(value = "!has(self.topic) || !has(self.topic.management) || self.topic.management != 'Strimzi'"
        + " || has(self.clusterName)",
        message = "topic.management Strimzi needs clusterName: the Strimzi Kafka cluster whose Topic Operator "
                + "manages the topic",
        fieldPath = ".clusterName")
public class KafkaSpec {

    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @JsonPropertyDescription("Name of a Strimzi Kafka cluster in this namespace. Sets the KafkaTopic's strimzi.io/cluster "
            + "label and, unless bootstrapServers is set, the bootstrap address <clusterName>-kafka-bootstrap:9092.")
    private String clusterName;

    @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
    @Size(max = 1024)
    @JsonPropertyDescription("Kafka bootstrap servers, host:port[,host:port], for a Kafka without Strimzi or to override "
            + "the address derived from clusterName.")
    private String bootstrapServers;

    @JsonPropertyDescription("The topic the notifications go to.")
    private TopicSpec topic;

    public String getClusterName() {
        return clusterName;
    }

    public void setClusterName(String clusterName) {
        this.clusterName = clusterName;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public TopicSpec getTopic() {
        return topic;
    }

    public void setTopic(TopicSpec topic) {
        this.topic = topic;
    }
}
