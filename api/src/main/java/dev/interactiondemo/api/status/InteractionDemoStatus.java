package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.List;
import java.util.Objects;

/** What the operator observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InteractionDemoStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, GreeterAvailable, TopicReady, HostAvailable, WorkerAvailable and MessagesFlowing.")
    private List<Condition> conditions;

    @JsonPropertyDescription("The Greeter: replicas and its gRPC health.")
    private GreeterStatus greeter;

    @JsonPropertyDescription("The notifications topic.")
    private TopicStatus topic;

    @JsonPropertyDescription("The Host Deployment.")
    private WorkloadStatus host;

    @JsonPropertyDescription("The Worker Deployment and its consumer group.")
    private WorkerStatus worker;

    @JsonPropertyDescription("Message counts read from Kafka: produced (end offsets), consumed (the group's committed offsets), lag, rates.")
    private MessagesStatus messages;

    @JsonPropertyDescription("The faults switched on in the spec, e.g. greeter.errorRate=0.3.")
    private List<String> faults;

    @JsonPropertyDescription("The Workers' delivery audit: delivered, duplicates, lost, end-to-end latency.")
    private DeliveryStatus delivery;

    public List<String> getFaults() {
        return faults;
    }

    public void setFaults(List<String> faults) {
        this.faults = faults;
    }

    public DeliveryStatus getDelivery() {
        return delivery;
    }

    public void setDelivery(DeliveryStatus delivery) {
        this.delivery = delivery;
    }

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

    public WorkloadStatus getHost() {
        return host;
    }

    public void setHost(WorkloadStatus host) {
        this.host = host;
    }

    public WorkerStatus getWorker() {
        return worker;
    }

    public void setWorker(WorkerStatus worker) {
        this.worker = worker;
    }

    public MessagesStatus getMessages() {
        return messages;
    }

    public void setMessages(MessagesStatus messages) {
        this.messages = messages;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        InteractionDemoStatus that = (InteractionDemoStatus) o;
        return Objects.equals(observedGeneration, that.observedGeneration) && Objects.equals(conditions, that.conditions) && Objects.equals(greeter, that.greeter) && Objects.equals(topic, that.topic) && Objects.equals(host, that.host) && Objects.equals(worker, that.worker) && Objects.equals(messages, that.messages)
                && Objects.equals(delivery, that.delivery) && Objects.equals(faults, that.faults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, greeter, topic, host, worker, messages, delivery, faults);
    }
}
