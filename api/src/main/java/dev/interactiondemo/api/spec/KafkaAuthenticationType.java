package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a client authenticates to Kafka (Strimzi's names). */
public enum KafkaAuthenticationType {
    @JsonProperty("scram-sha-512")
    SCRAM_SHA_512("SCRAM-SHA-512"),
    @JsonProperty("scram-sha-256")
    SCRAM_SHA_256("SCRAM-SHA-256"),
    @JsonProperty("plain")
    PLAIN("PLAIN"),
    /** Mutual TLS: a client certificate. */
    @JsonProperty("tls")
    TLS(null);

    private final String saslMechanism;

    KafkaAuthenticationType(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    /** Kafka's SASL mechanism, or null for {@link #TLS}. */
    public String saslMechanism() {
        return saslMechanism;
    }
}
