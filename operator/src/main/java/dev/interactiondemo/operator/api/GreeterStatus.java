package dev.interactiondemo.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Greeter as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GreeterStatus extends WorkloadStatus {

    @JsonPropertyDescription("The answer of the operator's grpc.health.v1 check: SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN or UNREACHABLE.")
    private String serving;

    @JsonPropertyDescription("The address the Host calls, host:port.")
    private String endpoint;

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
