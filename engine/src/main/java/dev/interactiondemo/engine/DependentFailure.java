package dev.interactiondemo.engine;

/**
 * Why creating or updating one of a demo's objects failed.
 *
 * @param reason  the CamelCase reason of the part's condition, e.g. {@code NameTaken}
 * @param message what failed, naming the object
 */
public record DependentFailure(String reason, String message) {
    /** The reason when an object's name is held by an object the demo does not own. */
    public static final String NAME_TAKEN = "NameTaken";
}
