package dev.interactiondemo.kafka;

/** Kafka could not be read; the message says why in words a user can act on, the kind what to report. */
public final class KafkaReadException extends RuntimeException {
    /** Why the read failed. */
    public enum Kind {
        /** Nothing answered (no such host, refused, no answer in time), or Kafka refused the request. */
        UNREACHABLE,
        /** The topic does not exist. */
        TOPIC_MISSING
    }

    private final Kind kind;

    public KafkaReadException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
