package dev.interactiondemo.operator.observe;

import dev.interactiondemo.common.KafkaClientSecurity;

/**
 * A Kafka cluster as the operator connects to it: the address and the security (TLS, credentials). Demos that
 * connect alike share one observer and its Admin client; demos with other credentials get their own, so no demo's
 * readings run on another's credentials.
 */
public record KafkaConnection(String bootstrap, KafkaClientSecurity security) {

    /** The address and how it is reached; never a secret. */
    @Override
    public String toString() {
        return security.equals(KafkaClientSecurity.NONE) ? bootstrap : bootstrap + " (" + security + ")";
    }
}
