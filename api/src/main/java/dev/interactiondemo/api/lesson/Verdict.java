package dev.interactiondemo.api.lesson;

/** A hypothesis's verdict. */
public enum Verdict {
    /** Still being checked. */
    Checking,
    Passed,
    Failed,
    /** The figure could not be read when it had to be (no counts yet, Kafka unreachable, ...). */
    Inconclusive
}
