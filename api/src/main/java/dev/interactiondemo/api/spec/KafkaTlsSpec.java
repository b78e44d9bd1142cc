package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

import java.util.List;

/** TLS to Kafka (as Strimzi's {@code ClientTls}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaTlsSpec {
    @Size(max = 10)
    @JsonPropertyDescription("The CA certificates to trust for the brokers' certificates. Default: with clusterName, "
            + "the Strimzi cluster CA (Secret <clusterName>-cluster-ca-cert, key ca.crt); without, the JVM's default "
            + "trusted CAs (as for a managed Kafka with a public certificate).")
    private List<CertSecretSource> trustedCertificates;

    public List<CertSecretSource> getTrustedCertificates() {
        return trustedCertificates;
    }

    public void setTrustedCertificates(List<CertSecretSource> trustedCertificates) {
        this.trustedCertificates = trustedCertificates;
    }
}
