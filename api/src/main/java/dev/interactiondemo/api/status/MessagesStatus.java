package dev.interactiondemo.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** Message counts from Kafka itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MessagesStatus {

    @JsonPropertyDescription("Sum of the topic's end offsets: every record ever published.")
    private Long produced;

    @JsonPropertyDescription("Sum of the consumer group's committed offsets on the topic.")
    private Long consumed;

    @JsonPropertyDescription("Records published but not yet consumed by the group.")
    private Long lag;

    @JsonPropertyDescription("Produced per second since the previous reading.")
    private Double producedPerSecond;

    @JsonPropertyDescription("Consumed per second since the previous reading.")
    private Double consumedPerSecond;

    @JsonPropertyDescription("When Kafka was last read (RFC 3339).")
    private String lastUpdated;

    public Long getProduced() {
        return produced;
    }

    public void setProduced(Long produced) {
        this.produced = produced;
    }

    public Long getConsumed() {
        return consumed;
    }

    public void setConsumed(Long consumed) {
        this.consumed = consumed;
    }

    public Long getLag() {
        return lag;
    }

    public void setLag(Long lag) {
        this.lag = lag;
    }

    public Double getProducedPerSecond() {
        return producedPerSecond;
    }

    public void setProducedPerSecond(Double producedPerSecond) {
        this.producedPerSecond = producedPerSecond;
    }

    public Double getConsumedPerSecond() {
        return consumedPerSecond;
    }

    public void setConsumedPerSecond(Double consumedPerSecond) {
        this.consumedPerSecond = consumedPerSecond;
    }

    public String getLastUpdated() {
        return lastUpdated;
    }

    public void setLastUpdated(String lastUpdated) {
        this.lastUpdated = lastUpdated;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        MessagesStatus that = (MessagesStatus) o;
        return Objects.equals(produced, that.produced) && Objects.equals(consumed, that.consumed) && Objects.equals(lag, that.lag) && Objects.equals(producedPerSecond, that.producedPerSecond) && Objects.equals(consumedPerSecond, that.consumedPerSecond) && Objects.equals(lastUpdated, that.lastUpdated);
    }

    @Override
    public int hashCode() {
        return Objects.hash(produced, consumed, lag, producedPerSecond, consumedPerSecond, lastUpdated);
    }
}
