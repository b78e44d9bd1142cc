package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** The Workers' own delivery audit, summed over the Worker pods: at-least-once delivery shows as duplicates, never as losses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeliveryStatus {

    @JsonPropertyDescription("Notifications the Workers processed, duplicates included.")
    private Long delivered;

    @JsonPropertyDescription("Notifications processed more than once (a redelivery after a Worker failed before its commit).")
    private Long duplicates;

    @JsonPropertyDescription("Notifications missing from a producer's sequence: 0 unless something is broken.")
    private Long lost;

    @JsonPropertyDescription("Median time from the Host creating a notification to a Worker processing it, in ms.")
    private Double endToEndLatencyP50Ms;

    @JsonPropertyDescription("99th percentile of the same, in ms.")
    private Double endToEndLatencyP99Ms;

    public Long getDelivered() {
        return delivered;
    }

    public void setDelivered(Long delivered) {
        this.delivered = delivered;
    }

    public Long getDuplicates() {
        return duplicates;
    }

    public void setDuplicates(Long duplicates) {
        this.duplicates = duplicates;
    }

    public Long getLost() {
        return lost;
    }

    public void setLost(Long lost) {
        this.lost = lost;
    }

    public Double getEndToEndLatencyP50Ms() {
        return endToEndLatencyP50Ms;
    }

    public void setEndToEndLatencyP50Ms(Double endToEndLatencyP50Ms) {
        this.endToEndLatencyP50Ms = endToEndLatencyP50Ms;
    }

    public Double getEndToEndLatencyP99Ms() {
        return endToEndLatencyP99Ms;
    }

    public void setEndToEndLatencyP99Ms(Double endToEndLatencyP99Ms) {
        this.endToEndLatencyP99Ms = endToEndLatencyP99Ms;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        DeliveryStatus that = (DeliveryStatus) o;
        return Objects.equals(delivered, that.delivered) && Objects.equals(duplicates, that.duplicates) && Objects.equals(lost, that.lost) && Objects.equals(endToEndLatencyP50Ms, that.endToEndLatencyP50Ms) && Objects.equals(endToEndLatencyP99Ms, that.endToEndLatencyP99Ms);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delivered, duplicates, lost, endToEndLatencyP50Ms, endToEndLatencyP99Ms);
    }
}
