package dev.interactiondemo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one run: JSON for machines, a Markdown table for people, the ratios printed last. */
final class Report {
    /** One ratio: ours over the reference. {@code better} says which way is good ("higher" or "lower"). */
    record Ratio(String section, String name, double value, double ours, double reference, String unit,
                 String better, String meaning) {
    }

    final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final List<String> markdown = new ArrayList<>();

    Map<String, Object> section(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) root.computeIfAbsent(name, k -> new LinkedHashMap<>());
        return s;
    }

    void ratio(String section, String name, double ours, double reference, String unit, String better,
               String meaning) {
        ratios.add(new Ratio(section, name, reference == 0 ? Double.NaN : ours / reference, ours, reference, unit,
                better, meaning));
    }

    void markdown(String text) {
        markdown.add(text);
    }

    void moveLastMarkdownFirst() {
        if (!markdown.isEmpty()) {
            markdown.add(0, markdown.remove(markdown.size() - 1));
        }
    }

    List<Ratio> ratios() {
        return ratios;
    }

    void write(Path json, Path md, String title) {
        List<Map<String, Object>> r = new ArrayList<>();
        for (Ratio x : ratios) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("section", x.section());
            m.put("name", x.name());
            m.put("ratio", round(x.value(), 3));
            m.put("ours", round(x.ours(), 3));
            m.put("reference", round(x.reference(), 3));
            m.put("unit", x.unit());
            m.put("better", x.better());
            m.put("meaning", x.meaning());
            r.add(m);
        }
        root.put("ratios", r);
        try {
            Files.createDirectories(json.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
            StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
            markdown.forEach(s -> sb.append(s).append("\n"));
            sb.append("## Ratios (ours / reference)\n\n").append(ratioTable()).append("\n");
            Files.writeString(md, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String ratioTable() {
        StringBuilder sb = new StringBuilder("| section | ratio | ours | reference | unit | better | what |\n"
                + "|---|---:|---:|---:|---|---|---|\n");
        for (Ratio x : ratios) {
            sb.append("| ").append(x.section()).append(" | **").append(fmt(x.value())).append("** | ")
                    .append(fmt(x.ours())).append(" | ").append(fmt(x.reference())).append(" | ").append(x.unit())
                    .append(" | ").append(x.better()).append(" | ").append(x.name()).append(" |\n");
        }
        return sb.toString();
    }

    /** The ratios as plain text, for the end of the console output. */
    String ratioText() {
        StringBuilder sb = new StringBuilder();
        String last = "";
        for (Ratio x : ratios) {
            if (!x.section().equals(last)) {
                sb.append(x.section()).append('\n');
                last = x.section();
            }
            sb.append(String.format(Locale.ROOT, "  %-62s %8s   (%s vs %s %s; %s is better)%n", x.name(),
                    fmt(x.value()), fmt(x.ours()), fmt(x.reference()), x.unit(), x.better()));
        }
        return sb.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** The {@code q} quantile (nearest rank) of {@code sorted}, an ascending array; NaN when it is empty. */
    static double percentile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN
                : sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    static double round(double v, int places) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
