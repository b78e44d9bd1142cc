package dev.interactiondemo.engine;

/**
 * How one part of the demo is, as its observer saw it.
 *
 * @param reason  CamelCase, e.g. {@code Available}, {@code NotServing}, {@code TopicMissing}
 * @param message for humans: what is wrong and, where known, the likely cause
 */
public record PartState(boolean available, String reason, String message) {

    public static PartState available(String reason, String message) {
        return new PartState(true, reason, message);
    }

    public static PartState unavailable(String reason, String message) {
        return new PartState(false, reason, message);
    }
}
