package dev.interactiondemo.operator;

/** A PromQL expression {@link PromQl} cannot parse; the message says where and why. */
final class PromQlParseException extends RuntimeException {
    PromQlParseException(String message) {
        super(message);
    }
}
