package dev.interactiondemo.api.spec;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Faults between the notifier and Kafka. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaFaultsSpec {

    @JsonPropertyDescription("true: a NetworkPolicy denies the Host's traffic to Kafka (the Greeter still answers); its sends time out and are retried, and nothing is lost when the cut is lifted. Enforced only where the cluster's network plugin enforces NetworkPolicies.")
    private Boolean cutHost;

    public Boolean getCutHost() {
        return cutHost;
    }

    public void setCutHost(Boolean cutHost) {
        this.cutHost = cutHost;
    }
}
