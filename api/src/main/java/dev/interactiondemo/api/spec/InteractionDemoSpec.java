package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** What to deploy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InteractionDemoSpec {

    @Required
    @JsonPropertyDescription("The Kafka cluster the notifications go through, and the topic they use.")
    private KafkaSpec kafka;

    @JsonPropertyDescription("The Greeter: the gRPC service the Host calls synchronously.")
    private GreeterSpec greeter;

    @JsonPropertyDescription("The notification Host: calls the Greeter and publishes each greeting to Kafka.")
    private HostSpec host;

    @JsonPropertyDescription("The notification Worker: pulls the notifications from Kafka in a consumer group.")
    private WorkerSpec worker;

    @JsonPropertyDescription("Failures to switch on for a lesson (Greeter errors or unavailable, a Worker failing before "
            + "its commit, the Host cut off from Kafka); status.faults lists those in force.")
    private FaultsSpec faults;

    public FaultsSpec getFaults() {
        return faults;
    }

    public void setFaults(FaultsSpec faults) {
        this.faults = faults;
    }

    public KafkaSpec getKafka() {
        return kafka;
    }

    public void setKafka(KafkaSpec kafka) {
        this.kafka = kafka;
    }

    public GreeterSpec getGreeter() {
        return greeter;
    }

    public void setGreeter(GreeterSpec greeter) {
        this.greeter = greeter;
    }

    public HostSpec getHost() {
        return host;
    }

    public void setHost(HostSpec host) {
        this.host = host;
    }

    public WorkerSpec getWorker() {
        return worker;
    }

    public void setWorker(WorkerSpec worker) {
        this.worker = worker;
    }
}
