package dev.interactiondemo.probes;

/** A probe could not observe what it looks at; the message says why in words a user can act on. */
public final class ProbeException extends RuntimeException {
    public enum Kind {
        /** Nothing answered: no such host, refused, or no answer in time. */
        UNREACHABLE,
        TOPIC_MISSING
    }

    private final Kind kind;

    public ProbeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
