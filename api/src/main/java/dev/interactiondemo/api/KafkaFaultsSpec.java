package dev.interactiondemo.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Faults between the notifier and Kafka. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaFaultsSpec {

    @JsonPropertyDescription("true: a NetworkPolicy denies the Host's traffic to Kafka (the Greeter still answers); its sends time out and are retried, and nothing is lost when the cut is lifted. Enforced only where the cluster's network plugin enforces NetworkPolicies.")
    private Boolean cutProducer;

    public Boolean getCutProducer() {
        return cutProducer;
    }

    public void setCutProducer(Boolean cutProducer) {
        this.cutProducer = cutProducer;
    }
}
