package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** The Workers' own delivery audit, summed over the Worker pods: at-least-once delivery shows as duplicates, never as losses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeliveryStatus {

    @JsonPropertyDescription("Distinct notifications the Workers processed (duplicates not counted).")
    private Long delivered;

    @JsonPropertyDescription("Notifications processed more than once (a redelivery after a Worker failed before its commit).")
    private Long duplicates;

    @JsonPropertyDescription("Notifications missing from a producer's sequence: 0 unless something is broken.")
    private Long lost;

    @JsonPropertyDescription("Median time from the Host creating a notification to a Worker processing it, in ms.")
    private Double endToEndLatencyP50Ms;

    @JsonPropertyDescription("99th percentile of the same, in ms.")
    private Double endToEndLatencyP99Ms;

    @JsonPropertyDescription("Median time a notification waited in Kafka, from the Host's send to the Worker's poll that"
            + " took it, in ms: Kafka does not push, a notification waits until a Worker pulls.")
    private Double waitInKafkaP50Ms;

    @JsonPropertyDescription("99th percentile of the same, in ms.")
    private Double waitInKafkaP99Ms;

    @JsonPropertyDescription("Median number of notifications a Worker's poll returned (polls that returned none not"
            + " counted): 1 while the Workers keep up, more when notifications waited.")
    private Double recordsPerPollP50;

    @JsonPropertyDescription("The most notifications one Worker's poll returned lately: a backlog comes in large polls.")
    private Double recordsPerPollMax;

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

    public Double getWaitInKafkaP50Ms() {
        return waitInKafkaP50Ms;
    }

    public void setWaitInKafkaP50Ms(Double waitInKafkaP50Ms) {
        this.waitInKafkaP50Ms = waitInKafkaP50Ms;
    }

    public Double getWaitInKafkaP99Ms() {
        return waitInKafkaP99Ms;
    }

    public void setWaitInKafkaP99Ms(Double waitInKafkaP99Ms) {
        this.waitInKafkaP99Ms = waitInKafkaP99Ms;
    }

    public Double getRecordsPerPollP50() {
        return recordsPerPollP50;
    }

    public void setRecordsPerPollP50(Double recordsPerPollP50) {
        this.recordsPerPollP50 = recordsPerPollP50;
    }

    public Double getRecordsPerPollMax() {
        return recordsPerPollMax;
    }

    public void setRecordsPerPollMax(Double recordsPerPollMax) {
        this.recordsPerPollMax = recordsPerPollMax;
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
        return Objects.equals(delivered, that.delivered) && Objects.equals(duplicates, that.duplicates) && Objects.equals(lost, that.lost) && Objects.equals(endToEndLatencyP50Ms, that.endToEndLatencyP50Ms) && Objects.equals(endToEndLatencyP99Ms, that.endToEndLatencyP99Ms)
                && Objects.equals(waitInKafkaP50Ms, that.waitInKafkaP50Ms)
                && Objects.equals(waitInKafkaP99Ms, that.waitInKafkaP99Ms)
                && Objects.equals(recordsPerPollP50, that.recordsPerPollP50)
                && Objects.equals(recordsPerPollMax, that.recordsPerPollMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delivered, duplicates, lost, endToEndLatencyP50Ms, endToEndLatencyP99Ms, waitInKafkaP50Ms,
                waitInKafkaP99Ms, recordsPerPollP50, recordsPerPollMax);
    }
}
