package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Greeter as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GreeterStatus {

    @JsonPropertyDescription("Desired pods.")
    private Integer replicas;

    @JsonPropertyDescription("Pods ready.")
    private Integer readyReplicas;

    @JsonPropertyDescription("The answer of the operator's grpc.health.v1 check: SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN or UNREACHABLE.")
    private String serving;

    @JsonPropertyDescription("The address the Host calls, host:port.")
    private String endpoint;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getServing() {
        return serving;
    }

    public void setServing(String serving) {
        this.serving = serving;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }
}
