package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InteractionDemoStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, GreeterAvailable, TopicReady, ProducerAvailable, ConsumerAvailable and MessagesFlowing.")
    private List<Condition> conditions;

    @JsonPropertyDescription("The Greeter: replicas and its gRPC health.")
    private GreeterStatus greeter;

    @JsonPropertyDescription("The notifications topic.")
    private TopicStatus topic;

    @JsonPropertyDescription("The Host Deployment.")
    private WorkloadStatus producer;

    @JsonPropertyDescription("The Worker Deployment and its consumer group.")
    private ConsumerStatus consumer;

    @JsonPropertyDescription("Message counts read from Kafka: produced (end offsets), consumed (the group's committed offsets), lag, rates.")
    private MessagesStatus messages;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public GreeterStatus getGreeter() {
        return greeter;
    }

    public void setGreeter(GreeterStatus greeter) {
        this.greeter = greeter;
    }

    public TopicStatus getTopic() {
        return topic;
    }

    public void setTopic(TopicStatus topic) {
        this.topic = topic;
    }

    public WorkloadStatus getProducer() {
        return producer;
    }

    public void setProducer(WorkloadStatus producer) {
        this.producer = producer;
    }

    public ConsumerStatus getConsumer() {
        return consumer;
    }

    public void setConsumer(ConsumerStatus consumer) {
        this.consumer = consumer;
    }

    public MessagesStatus getMessages() {
        return messages;
    }

    public void setMessages(MessagesStatus messages) {
        this.messages = messages;
    }
}
