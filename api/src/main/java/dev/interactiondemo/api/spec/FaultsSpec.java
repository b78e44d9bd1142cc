package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Switchable failures for the lessons; each is off unless set, and removing it undoes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FaultsSpec {

    @JsonPropertyDescription("Faults of the Greeter.")
    private GreeterFaultsSpec greeter;

    @JsonPropertyDescription("Faults of the Worker.")
    private WorkerFaultsSpec worker;

    @JsonPropertyDescription("Faults between the Host and Kafka.")
    private KafkaFaultsSpec kafka;

    public GreeterFaultsSpec getGreeter() {
        return greeter;
    }

    public void setGreeter(GreeterFaultsSpec greeter) {
        this.greeter = greeter;
    }

    public WorkerFaultsSpec getWorker() {
        return worker;
    }

    public void setWorker(WorkerFaultsSpec worker) {
        this.worker = worker;
    }

    public KafkaFaultsSpec getKafka() {
        return kafka;
    }

    public void setKafka(KafkaFaultsSpec kafka) {
        this.kafka = kafka;
    }
}
