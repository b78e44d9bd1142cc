package dev.interactiondemo.operator.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which Kafka bootstrap addresses demos may use: the chart's {@code kafka.allowedBootstrapServers}. Each pattern
 * matches one {@code host:port}; {@code *} stands for any run of characters. An empty policy allows any address.
 */
public final class BootstrapPolicy {
    public static final BootstrapPolicy ANY = new BootstrapPolicy(List.of());
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9.*\\[\\]:-]+:([0-9]{1,5}|\\*)");

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private BootstrapPolicy(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = patterns.stream().map(BootstrapPolicy::toRegex).toList();
    }

    /** @throws IllegalArgumentException naming a pattern that is not {@code host:port} */
    public static BootstrapPolicy parse(String commaSeparated) {
        List<String> patterns = Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .toList();
        for (String p : patterns) {
            if (!VALID.matcher(p).matches()) {
                throw new IllegalArgumentException("'" + p + "' is not a host:port pattern (e.g. *.kafka.svc:9092)");
            }
        }
        return new BootstrapPolicy(patterns);
    }

    /** The first address of {@code bootstrapServers} that no pattern allows, or empty when all are allowed. */
    public Optional<String> refused(String bootstrapServers) {
        if (compiled.isEmpty()) {
            return Optional.empty();
        }
        return Arrays.stream(bootstrapServers.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                .filter(a -> compiled.stream().noneMatch(p -> p.matcher(a).matches()))
                .findFirst();
    }

    public List<String> patterns() {
        return patterns;
    }

    private static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part.toLowerCase()));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    @Override
    public String toString() {
        return patterns.isEmpty() ? "any address" : String.join(", ", patterns);
    }
}
