package dev.interactiondemo.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interactiondemo.operator.PromQl.Node;
import dev.interactiondemo.operator.PromQl.Selector;
import dev.interactiondemo.operator.PromQlTypeCheck.Kind;
import dev.interactiondemo.operator.PromQlTypeCheck.Value;
import dev.interactiondemo.operator.PrometheusTargets.Series;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a Grafana dashboard's queries against the series Prometheus would store: every metric, label matcher,
 * grouping label and legend label must exist, every selector must select something with the dashboard's variables
 * set to a demo (Grafana's interval variables to durations), {@code rate()} applies to counters only, and so on.
 * Each query is parsed ({@link PromQl}) and typed ({@link PromQlTypeCheck}): what it evaluates to and the labels of
 * its series.
 */
final class DashboardQueryCheck {
    private static final Set<String> BUILTIN_VARIABLES = Set.of("__rate_interval", "__interval", "__interval_ms",
            "__range", "__range_s", "__range_ms");
    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([a-zA-Z0-9_]+)(?::[a-z]+)?}|\\$([a-zA-Z0-9_]+)|\\[\\[([a-zA-Z0-9_]+)]]");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([^}\\s]+)\\s*}}");

    private final List<Series> stored;
    private final Map<String, Scrape> scrapes;
    private final Map<String, String> variables = new LinkedHashMap<>();
    final Set<String> metricsUsed = new TreeSet<>();
    int queriesChecked;
    private List<String> problems;
    private PromQlTypeCheck types;

    /**
     * @param stored    the series Prometheus would store ({@link PrometheusTargets#store})
     * @param scrapes   the scrapes they come from, by source: the metrics' types
     * @param namespace the value of the dashboard's variable namespace
     * @param demo      the value of the dashboard's variable demo
     */
    DashboardQueryCheck(List<Series> stored, Map<String, Scrape> scrapes, String namespace, String demo) {
        this.stored = stored;
        this.scrapes = scrapes;
        variables.put("namespace", namespace);
        variables.put("demo", demo);
    }

    List<String> checkDashboard(JsonNode dashboard) {
        List<String> all = new ArrayList<>();
        Set<String> defined = new LinkedHashSet<>(variables(dashboard));
        if (!defined.equals(Set.of("datasource", "namespace", "demo"))) {
            all.add("the dashboard's variables are " + defined + ", the check sets datasource, namespace and demo");
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode q = variable.path("query");
                String query = q.isTextual() ? q.asText() : q.path("query").asText();
                all.addAll(checkVariable("variable " + variable.path("name").asText(), query));
            }
            if (!variable.path("type").asText().equals("datasource")) {
                all.addAll(checkDatasource("variable " + variable.path("name").asText(),
                        variable.path("datasource")));
            }
        }
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        });
        for (JsonNode panel : panels) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = "panel \"" + panel.path("title").asText() + "\"";
            all.addAll(checkDatasource(title, panel.path("datasource")));
            if (panel.path("targets").isEmpty()) {
                all.add(title + ": no query");
            }
            for (JsonNode target : panel.path("targets")) {
                String where = title + " query " + target.path("refId").asText();
                all.addAll(checkDatasource(where, target.path("datasource")));
                all.addAll(checkQuery(where, target.path("expr").asText(), target.path("legendFormat").asText("")));
            }
        }
        return all;
    }

    private static List<String> checkDatasource(String where, JsonNode datasource) {
        if (!datasource.path("type").asText().equals("prometheus")
                || !datasource.path("uid").asText().equals("${datasource}")) {
            return List.of(where + ": the data source is not the dashboard's Prometheus variable: " + datasource);
        }
        return List.of();
    }

    /** A variable's {@code label_values(selector, label)}. */
    List<String> checkVariable(String where, String query) {
        start();
        Matcher m = Pattern.compile("^\\s*label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$")
                .matcher(query);
        if (!m.matches()) {
            problems.add(where + ": not label_values(selector, label): " + query);
            return problems;
        }
        try {
            Node node = PromQl.parse(substitute(m.group(1)));
            Value v = types.check(node);
            if (!(node instanceof Selector)) {
                problems.add(where + ": label_values of a selector, not " + m.group(1));
            } else if (v.lacks(m.group(2))) {
                problems.add(where + ": label " + m.group(2) + " does not exist on " + m.group(1)
                        + " (" + v.labels() + ")");
            }
        } catch (PromQlParseException e) {
            problems.add(where + ": does not parse: " + e.getMessage() + ": " + query);
        }
        return problems;
    }

    List<String> checkQuery(String where, String expr, String legend) {
        start();
        queriesChecked++;
        try {
            Value v = types.check(PromQl.parse(substitute(expr)));
            if (v.kind() != Kind.VECTOR && v.kind() != Kind.SCALAR) {
                problems.add(where + ": a panel query must be an instant vector or a scalar, not a " + v.kind());
            }
            Matcher m = LEGEND_LABEL.matcher(legend);
            while (m.find()) {
                if (v.lacks(m.group(1))) {
                    problems.add(where + ": legend label " + m.group(1) + " is not on the result, which has "
                            + v.labels());
                }
            }
        } catch (PromQlParseException e) {
            problems.add(where + ": does not parse: " + e.getMessage());
        }
        problems.replaceAll(p -> p.startsWith(where) ? p : where + ": " + p);
        problems.replaceAll(p -> p + "\n      in " + expr);
        return problems;
    }

    /** A query's check begins: its own problems, and the types of its expression against the stored series. */
    private void start() {
        this.problems = new ArrayList<>();
        this.types = new PromQlTypeCheck(stored, scrapes, variables, metricsUsed, problems);
    }

    private String substitute(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = Stream.of(m.group(1), m.group(2), m.group(3)).filter(x -> x != null).findFirst()
                    .orElseThrow();
            String value;
            if (variables.containsKey(name)) {
                value = variables.get(name);
            } else if (BUILTIN_VARIABLES.contains(name)) {
                value = name.endsWith("_ms") || name.endsWith("_s") ? "60" : name.equals("__range") ? "30m" : "2m";
            } else {
                problems.add("variable " + name + " is not defined");
                value = "undefined";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The names of the dashboard's variables, in order. */
    static List<String> variables(JsonNode dashboard) {
        List<String> names = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }
}
