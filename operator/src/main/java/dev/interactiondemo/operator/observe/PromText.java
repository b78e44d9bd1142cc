package dev.interactiondemo.operator.observe;

import java.util.HashMap;
import java.util.Map;

/** Reads the Prometheus text format: each series' value, keyed by metric name; label sets of a name are summed. */
final class PromText {
    private final Map<String, Double> sums = new HashMap<>();
    private final Map<String, Double> series = new HashMap<>();

    PromText(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String key = line.substring(0, space).trim();
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            int brace = key.indexOf('{');
            String name = brace < 0 ? key : key.substring(0, brace);
            series.put(key, value);
            sums.merge(name, value, Double::sum);
        }
    }

    /** The sum over every label set of {@code name}, or null when absent. */
    Double sum(String name) {
        return sums.get(name);
    }

    /** The value of {@code name} with the one label {@code label="value"} (e.g. a quantile), or null. */
    Double with(String name, String label, String value) {
        String wanted = label + "=\"" + value + "\"";
        return series.entrySet().stream().filter(e -> e.getKey().startsWith(name + "{")
                && e.getKey().contains(wanted)).map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
