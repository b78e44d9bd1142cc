package dev.interactiondemo.api.lesson;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.api.spec.FaultsSpec;
import io.fabric8.generator.annotation.ValidationRule;

/** The fields of its demo a lesson step switches: a subset of the demo's spec, under the same names. At the end of the lesson each goes back to what it was. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.greeter) || has(self.host) || has(self.worker) || has(self.faults)",
        message = "set: name at least one of greeter, host, worker, faults")
public class DemoSwitches {

    @JsonPropertyDescription("spec.greeter: replicas, responseDelay.")
    private GreeterSwitches greeter;

    @JsonPropertyDescription("spec.host: callMode, messagesPerSecond.")
    private HostSwitches host;

    @JsonPropertyDescription("spec.worker: replicas, processingDelay.")
    private WorkerSwitches worker;

    @JsonPropertyDescription("spec.faults: every fault switch of the demo.")
    private FaultsSpec faults;

    public GreeterSwitches getGreeter() {
        return greeter;
    }

    public void setGreeter(GreeterSwitches greeter) {
        this.greeter = greeter;
    }

    public HostSwitches getHost() {
        return host;
    }

    public void setHost(HostSwitches host) {
        this.host = host;
    }

    public WorkerSwitches getWorker() {
        return worker;
    }

    public void setWorker(WorkerSwitches worker) {
        this.worker = worker;
    }

    public FaultsSpec getFaults() {
        return faults;
    }

    public void setFaults(FaultsSpec faults) {
        this.faults = faults;
    }
}
