package dev.interactiondemo.api.lesson;

/** When a hypothesis must hold. */
public enum Check {
    /** At the end of its step (or of the lesson). */
    atEnd,
    /** At every reading while its step lasts (or the lesson), once its after delay has passed. */
    always,
    /** At one reading at least while its step lasts (or the lesson), once its after delay has passed. */
    sometime
}
