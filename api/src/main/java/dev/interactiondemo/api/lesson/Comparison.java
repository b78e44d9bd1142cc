package dev.interactiondemo.api.lesson;

/** How a hypothesis compares its figure with its value. */
public enum Comparison {
    equal, notEqual, above, below, atLeast, atMost,
    /** Within the hypothesis's tolerance of its value. */
    near
}
