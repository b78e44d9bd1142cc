package dev.interactiondemo.api.spec;

/** Schema patterns used by more than one field. */
public final class Patterns {
    /** A duration the notifier accepts: 250ms, 30s, 2m. */
    public static final String DURATION = "^[0-9]{1,6}(ms|s|m)$";
    /** What the Greeter and the notifier accept for a delay (a CEL rule on the duration fields). */
    public static final String AT_MOST_60S = "duration(self) <= duration('60s')";
    public static final String AT_MOST_60S_MESSAGE = "at most 60s: the Greeter and the Worker refuse longer delays";

    private Patterns() {
    }
}
