package dev.interactiondemo.common;

/**
 * One configuration option: read from an environment variable, overridden by a command-line flag.
 *
 * @param env          environment variable name, e.g. {@code NOTIFIER_RATE}
 * @param flag         command-line flag without dashes, e.g. {@code rate} for {@code --rate=5}
 * @param defaultValue the value when neither is set, or {@code null} when the option is required or optional
 * @param description  one line for {@code --help} and error messages
 * @param kind         how the flag takes its value
 */
public record Option(String env, String flag, String defaultValue, String description, Kind kind) {

    /** How a flag takes its value on the command line. */
    public enum Kind {
        /** {@code --flag=value} or {@code --flag value}; given twice, the last one counts. */
        VALUE,
        /** {@code true} or {@code false}; {@code --flag} alone means {@code --flag=true}. */
        SWITCH,
        /**
         * Comma-separated values, as in its environment variable; the flag may be given more than once, each time
         * adding to the list.
         */
        LIST
    }

    public static Option of(String env, String flag, String defaultValue, String description) {
        return new Option(env, flag, defaultValue, description, Kind.VALUE);
    }

    /** A {@link Kind#SWITCH}: read it with {@code Settings.choice(option, "true", "false")} or the like. */
    public static Option ofSwitch(String env, String flag, String defaultValue, String description) {
        return new Option(env, flag, defaultValue, description, Kind.SWITCH);
    }

    /** A {@link Kind#LIST}: read it with {@code Settings.string(option)} and split it at the commas. */
    public static Option ofList(String env, String flag, String defaultValue, String description) {
        return new Option(env, flag, defaultValue, description, Kind.LIST);
    }

    /** How errors name this option: {@code NOTIFIER_RATE (--rate)}. */
    public String label() {
        return env + " (--" + flag + ")";
    }
}
