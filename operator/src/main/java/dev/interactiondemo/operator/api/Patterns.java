package dev.interactiondemo.operator.api;

/** Schema patterns used by more than one field. */
final class Patterns {
    /** A duration the notifier accepts: 250ms, 30s, 2m. */
    static final String DURATION = "^[0-9]+(ms|s|m)$";

    private Patterns() {
    }
}
