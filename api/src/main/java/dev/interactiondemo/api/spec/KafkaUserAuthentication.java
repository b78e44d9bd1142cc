package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The authentications a Strimzi KafkaUser offers that the demo's clients speak. */
public enum KafkaUserAuthentication {
    @JsonProperty("scram-sha-512")
    SCRAM_SHA_512,
    @JsonProperty("tls")
    TLS
}
