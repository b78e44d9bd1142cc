package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** The Greeter: its pods, its gRPC health, and the Greeter as the Host sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GreeterStatus extends WorkloadStatus {

    @JsonPropertyDescription("The answer of the operator's grpc.health.v1 check: SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN or UNREACHABLE.")
    private String serving;

    @JsonPropertyDescription("The address the Host calls, host:port.")
    private String endpoint;

    @JsonPropertyDescription("SayHello calls the Hosts made.")
    private Long calls;

    @JsonPropertyDescription("Of those, the calls that failed (the Host retries them with backoff).")
    private Long failures;

    @JsonPropertyDescription("Share of the Hosts' calls that failed since the previous reading, 0-1.")
    private Double errorRate;

    @JsonPropertyDescription("Median SayHello latency as the Hosts measure it, in ms.")
    private Double callLatencyP50Ms;

    @JsonPropertyDescription("99th percentile SayHello latency as the Hosts measure it, in ms.")
    private Double callLatencyP99Ms;

    @JsonPropertyDescription("True when the Hosts made calls but none succeeded since the previous reading: the synchronous caller is blocked by its callee.")
    private Boolean hostBlocked;

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

    public Long getCalls() {
        return calls;
    }

    public void setCalls(Long calls) {
        this.calls = calls;
    }

    public Long getFailures() {
        return failures;
    }

    public void setFailures(Long failures) {
        this.failures = failures;
    }

    public Double getErrorRate() {
        return errorRate;
    }

    public void setErrorRate(Double errorRate) {
        this.errorRate = errorRate;
    }

    public Double getCallLatencyP50Ms() {
        return callLatencyP50Ms;
    }

    public void setCallLatencyP50Ms(Double callLatencyP50Ms) {
        this.callLatencyP50Ms = callLatencyP50Ms;
    }

    public Double getCallLatencyP99Ms() {
        return callLatencyP99Ms;
    }

    public void setCallLatencyP99Ms(Double callLatencyP99Ms) {
        this.callLatencyP99Ms = callLatencyP99Ms;
    }

    public Boolean getHostBlocked() {
        return hostBlocked;
    }

    public void setHostBlocked(Boolean hostBlocked) {
        this.hostBlocked = hostBlocked;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        GreeterStatus that = (GreeterStatus) o;
        return super.equals(o) && Objects.equals(serving, that.serving) && Objects.equals(endpoint, that.endpoint) && Objects.equals(calls, that.calls) && Objects.equals(failures, that.failures) && Objects.equals(errorRate, that.errorRate) && Objects.equals(callLatencyP50Ms, that.callLatencyP50Ms) && Objects.equals(callLatencyP99Ms, that.callLatencyP99Ms) && Objects.equals(hostBlocked, that.hostBlocked);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), serving, endpoint, calls, failures, errorRate, callLatencyP50Ms, callLatencyP99Ms, hostBlocked);
    }
}
