package dev.interactiondemo.probes;

import java.time.Instant;

/**
 * A status condition as Kubernetes API conventions define it: a type, a status (True, False or Unknown), a CamelCase
 * reason, a message for humans, and when the status last changed.
 */
public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {

    public static Condition of(String type, boolean ok, String reason, String message) {
        return new Condition(type, ok ? "True" : "False", reason, message, null);
    }

    public static Condition unknown(String type, String reason, String message) {
        return new Condition(type, "Unknown", reason, message, null);
    }

    public boolean isTrue() {
        return "True".equals(status);
    }

    public Condition withLastTransitionTime(Instant at) {
        return new Condition(type, status, reason, message, at);
    }
}
