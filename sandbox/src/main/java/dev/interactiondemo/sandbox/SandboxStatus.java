package dev.interactiondemo.sandbox;

import java.util.List;

/**
 * What the sandbox reports: shaped like the {@code status} the operator writes on an InteractionDemo, plus the
 * Worker's own delivery audit. Times are RFC 3339 strings, as in Kubernetes.
 */
public record SandboxStatus(List<ConditionView> conditions, Greeter greeter, Topic topic, Producer producer,
                            Consumer consumer, Messages messages) {

    public record ConditionView(String type, String status, String reason, String message, String lastTransitionTime) {
    }

    public record Greeter(String serving, String endpoint) {
    }

    public record Topic(String name, boolean ready, int partitions) {
    }

    public record Producer(String callMode, double messagesPerSecond, long sent, long sendFailures, long greeterCalls,
                           long greeterFailures, String notReadyReason) {
    }

    public record Consumer(String groupId, boolean running, String notReadyReason) {
    }

    /** Counts from Kafka (produced, consumed, lag, rates) and from the Worker's audit (lost, duplicates, latency). */
    public record Messages(long produced, long consumed, long lag, double producedPerSecond, double consumedPerSecond,
                           long lost, long duplicates, double endToEndLatencyP50Ms, double endToEndLatencyP99Ms,
                           String lastUpdated) {
    }

    public boolean isTrue(String conditionType) {
        return conditions.stream().anyMatch(c -> c.type().equals(conditionType) && c.status().equals("True"));
    }
}
