package dev.interactiondemo.common;

/**
 * One configuration option: read from an environment variable, overridden by a command-line flag.
 *
 * @param env          environment variable name, e.g. {@code NOTIFIER_RATE}
 * @param flag         command-line flag without dashes, e.g. {@code rate} for {@code --rate=5}
 * @param defaultValue the value when neither is set, or {@code null} when the option is required or optional
 * @param description  one line for {@code --help} and error messages
 */
public record Option(String env, String flag, String defaultValue, String description) {

    public static Option of(String env, String flag, String defaultValue, String description) {
        return new Option(env, flag, defaultValue, description);
    }

    /** How errors name this option: {@code NOTIFIER_RATE (--rate)}. */
    public String label() {
        return env + " (--" + flag + ")";
    }
}
