package dev.interactiondemo.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration from environment variables, with command-line flags ({@code --flag=value} or {@code --flag value})
 * as overrides; see {@link Option.Kind} for switches and lists. Every accessor validates; problems are collected and {@link #validate()} throws one
 * {@link ConfigException} naming every bad value, so a user fixes them all in one go.
 */
public final class Settings {
    private final Map<String, Option> byFlag = new LinkedHashMap<>();
    private final Map<String, String> env;
    private final Map<String, String> flags = new HashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final boolean help;

    private Settings(List<Option> options, String[] args, Map<String, String> env) {
        this.env = env;
        options.forEach(o -> byFlag.put(o.flag(), o));
        boolean wantsHelp = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                wantsHelp = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Option option = byFlag.get(name);
            if (option == null) {
                problems.add("unknown flag --" + name + " (see --help)");
                continue;
            }
            if (value == null && option.kind() == Option.Kind.SWITCH
                    && (i + 1 >= args.length || !args[i + 1].matches("(?i)true|false"))) {
                value = "true";
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    problems.add("flag --" + name + " needs a value");
                    continue;
                }
                value = args[++i];
            }
            if (option.kind() == Option.Kind.LIST && flags.containsKey(name)) {
                value = flags.get(name) + "," + value;
            }
            flags.put(name, value);
        }
        this.help = wantsHelp;
    }

    public static Settings parse(List<Option> options, String[] args, Map<String, String> env) {
        return new Settings(options, args, env);
    }

    public boolean helpRequested() {
        return help;
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** The raw value (flag, else environment, else default), or empty. */
    public Optional<String> raw(Option option) {
        String v = flags.get(option.flag());
        if (v == null) {
            v = env.get(option.env());
        }
        if (v == null || v.isBlank()) {
            v = option.defaultValue();
        }
        return Optional.ofNullable(v).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String string(Option option) {
        return raw(option).orElse("");
    }

    public String required(Option option) {
        Optional<String> v = raw(option);
        if (v.isEmpty()) {
            problems.add(option.label() + " is required: " + option.description());
            return "";
        }
        return v.get();
    }

    public int integer(Option option, int min, int max) {
        return (int) number(option, min, max, true);
    }

    public double decimal(Option option, double min, double max) {
        return number(option, min, max, false);
    }

    private double number(Option option, double min, double max, boolean whole) {
        String v = required(option);
        if (v.isEmpty()) {
            return min;
        }
        try {
            double d = whole ? Long.parseLong(v) : Double.parseDouble(v);
            if (Double.isNaN(d) || d < min || d > max) {
                problems.add(option.label() + ": " + v + " is out of range [" + fmt(min) + ", " + fmt(max) + "]");
                return min;
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(option.label() + ": '" + v + "' is not " + (whole ? "a whole number" : "a number"));
            return min;
        }
    }

    public Duration duration(Option option, Duration min, Duration max) {
        String v = required(option);
        if (v.isEmpty()) {
            return min;
        }
        try {
            Duration d = Durations.parse(v);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                problems.add(option.label() + ": " + v + " is out of range [" + Durations.format(min) + ", "
                        + Durations.format(max) + "]");
                return min;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(option.label() + ": " + e.getMessage());
            return min;
        }
    }

    /** A value from a fixed set, matched case-insensitively; returns it in lower case. */
    public String choice(Option option, String... allowed) {
        String v = required(option);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a.toLowerCase(Locale.ROOT);
            }
        }
        if (!v.isEmpty()) {
            problems.add(option.label() + ": '" + v + "' is not one of " + String.join(", ", allowed));
        }
        return allowed[0].toLowerCase(Locale.ROOT);
    }

    /** Records a problem found by the caller's own cross-field checks. */
    public void problem(String message) {
        problems.add(message);
    }

    /** How many problems were found so far: a caller's checks can tell whether theirs added any. */
    public int problemCount() {
        return problems.size();
    }

    /** Throws a {@link ConfigException} naming every bad value seen so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** A usage text listing every option, its environment variable, flag and default. */
    public static String usage(String synopsis, List<Option> options) {
        StringBuilder sb = new StringBuilder("Usage: ").append(synopsis).append("\n\nOptions (flag overrides environment variable):\n");
        for (Option o : options) {
            sb.append(String.format("  --%-22s %-28s %s%s%n", o.flag(), o.env(), o.description(),
                    o.defaultValue() == null ? "" : " [default: " + o.defaultValue() + "]"));
        }
        return sb.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
