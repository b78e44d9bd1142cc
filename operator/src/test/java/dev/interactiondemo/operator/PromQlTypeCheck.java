package dev.interactiondemo.operator;

import dev.interactiondemo.operator.PromQl.Aggregation;
import dev.interactiondemo.operator.PromQl.Binary;
import dev.interactiondemo.operator.PromQl.Call;
import dev.interactiondemo.operator.PromQl.LabelMatcher;
import dev.interactiondemo.operator.PromQl.Node;
import dev.interactiondemo.operator.PromQl.Num;
import dev.interactiondemo.operator.PromQl.Selector;
import dev.interactiondemo.operator.PromQl.Str;
import dev.interactiondemo.operator.PromQl.Subquery;
import dev.interactiondemo.operator.PromQl.Unary;
import dev.interactiondemo.operator.PrometheusTargets.Series;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Types a parsed PromQL expression against the series Prometheus would store, as Prometheus evaluates it: what it
 * evaluates to (scalar, string, instant or range vector) and the labels of its series. On the way, what does not
 * exist or does not fit is a problem: a metric no scrape has, a label matcher or grouping label not on the series, a
 * selector that selects nothing, {@code rate()} of a gauge, {@code deriv()} of a counter, a function PromQL does not
 * have, a binary operator between sides whose labels differ. One per query: its problems go to the list it is given.
 */
final class PromQlTypeCheck {
    enum Kind { SCALAR, STRING, VECTOR, MATRIX }

    /**
     * What an expression evaluates to: its kind, the label names of its series (null when unknown, after a
     * problem already reported: no more problems follow from it), and the metric it selects.
     */
    record Value(Kind kind, Set<String> labels, String metric) {
        static Value scalar() {
            return new Value(Kind.SCALAR, Set.of(), null);
        }

        boolean known() {
            return labels != null;
        }

        boolean lacks(String label) {
            return labels != null && !labels.contains(label);
        }
    }

    private static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "irate", "increase", "resets");
    private static final Set<String> GAUGE_FUNCTIONS = Set.of("deriv", "delta", "idelta", "predict_linear");
    private static final Set<String> RANGE_FUNCTIONS = Set.of("rate", "irate", "increase", "resets", "deriv",
            "delta", "idelta", "predict_linear", "changes", "avg_over_time", "min_over_time", "max_over_time",
            "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
            "last_over_time", "present_over_time", "absent_over_time", "mad_over_time");
    private static final Set<String> VECTOR_FUNCTIONS = Set.of("abs", "ceil", "floor", "round", "exp", "ln", "log2",
            "log10", "sqrt", "sgn", "clamp", "clamp_min", "clamp_max", "timestamp", "sort", "sort_desc", "acos",
            "asin", "atan", "cos", "sin", "tan", "deg", "rad");

    private final List<Series> stored;
    private final Map<String, Scrape> scrapes;
    private final Map<String, String> variables;
    private final Set<String> metricsUsed;
    private final List<String> problems;

    /**
     * @param stored      the series Prometheus would store ({@link PrometheusTargets#store})
     * @param scrapes     the scrapes they come from, by source: the metrics' types
     * @param variables   the dashboard's variables as set, for the problems' messages
     * @param metricsUsed gets every metric a selector names
     * @param problems    gets the problems found
     */
    PromQlTypeCheck(List<Series> stored, Map<String, Scrape> scrapes, Map<String, String> variables,
                    Set<String> metricsUsed, List<String> problems) {
        this.stored = stored;
        this.scrapes = scrapes;
        this.variables = variables;
        this.metricsUsed = metricsUsed;
        this.problems = problems;
    }

    /** What {@code node} evaluates to; what does not exist, or does not fit, is added to the problems. */
    Value check(Node node) {
        if (node instanceof Num) {
            return Value.scalar();
        }
        if (node instanceof Str) {
            return new Value(Kind.STRING, Set.of(), null);
        }
        if (node instanceof Selector s) {
            return selector(s);
        }
        if (node instanceof Unary u) {
            return check(u.expr());
        }
        if (node instanceof Subquery q) {
            Value inner = check(q.expr());
            expectKind(inner, Kind.VECTOR, "a subquery");
            return new Value(Kind.MATRIX, inner.labels(), null);
        }
        if (node instanceof Aggregation a) {
            return aggregation(a);
        }
        if (node instanceof Call c) {
            return call(c);
        }
        if (node instanceof Binary b) {
            return binary(b);
        }
        throw new IllegalStateException(node.toString());
    }

    private Value selector(Selector s) {
        String metric = s.metric();
        List<LabelMatcher> matchers = new ArrayList<>(s.matchers());
        if (metric == null) {
            metric = matchers.stream().filter(m -> m.label().equals("__name__") && m.op().equals("="))
                    .map(LabelMatcher::value).findFirst().orElse(null);
        }
        if (metric == null) {
            problems.add("a selector without a metric name: " + s);
            return new Value(s.range() == null ? Kind.VECTOR : Kind.MATRIX, Set.of(), null);
        }
        String name = metric;
        metricsUsed.add(name);
        List<Series> series = stored.stream().filter(x -> x.name().equals(name)).toList();
        Kind kind = s.range() == null ? Kind.VECTOR : Kind.MATRIX;
        if (series.isEmpty()) {
            problems.add("metric " + name + " does not exist: no scrape (operator, Greeter, Host, Worker) has it");
            return new Value(kind, null, name);
        } else {
            Set<String> labels = series.stream().flatMap(x -> x.labels().keySet().stream())
                    .collect(Collectors.toCollection(TreeSet::new));
            boolean known = true;
            for (LabelMatcher m : matchers) {
                if (!labels.contains(m.label())) {
                    problems.add("label " + m.label() + " does not exist on " + name + ", which has " + labels);
                    known = false;
                }
            }
            series = series.stream()
                    .filter(x -> matchers.stream().allMatch(m -> m.matches(x.labels().get(m.label())))).toList();
            if (!known) {
                return new Value(kind, null, name);
            }
            if (series.isEmpty()) {
                problems.add(name + matchers + " selects nothing, with namespace=" + variables.get("namespace")
                        + ", demo=" + variables.get("demo"));
                return new Value(kind, null, name);
            }
        }
        Set<String> labels = series.stream().flatMap(x -> x.labels().keySet().stream())
                .filter(l -> !l.equals("__name__")).collect(Collectors.toCollection(TreeSet::new));
        return new Value(kind, labels, name);
    }

    private Value aggregation(Aggregation a) {
        if (a.param() != null) {
            Value param = check(a.param());
            expectKind(param, a.op().equals("count_values") ? Kind.STRING : Kind.SCALAR, a.op() + "'s parameter");
        }
        Value inner = check(a.expr());
        expectKind(inner, Kind.VECTOR, a.op());
        if (!inner.known()) {
            return new Value(Kind.VECTOR, null, null);
        }
        Set<String> labels;
        if (a.grouping() == null) {
            boolean keeps = Set.of("topk", "bottomk", "limitk", "limit_ratio").contains(a.op());
            labels = keeps ? inner.labels() : Set.of();
        } else {
            for (String l : a.grouping()) {
                if (!inner.labels().contains(l)) {
                    problems.add((a.without() ? "without (" : "by (") + l + "): label " + l
                            + " is not on what " + a.op() + " aggregates, which has " + inner.labels());
                }
            }
            labels = new TreeSet<>(a.without() ? inner.labels() : a.grouping());
            if (a.without()) {
                labels.removeAll(a.grouping());
            } else {
                labels.retainAll(inner.labels());
            }
        }
        if (a.op().equals("count_values") && a.param() instanceof Str s) {
            labels = new TreeSet<>(labels);
            labels.add(s.value());
        }
        return new Value(Kind.VECTOR, labels, null);
    }

    private Value call(Call c) {
        String f = c.function();
        List<Value> args = c.args().stream().map(this::check).toList();
        if (RANGE_FUNCTIONS.contains(f)) {
            Value range = args.isEmpty() ? null : args.get(f.equals("quantile_over_time") ? 1 : 0);
            if (range == null || range.kind() != Kind.MATRIX) {
                problems.add(f + "() takes a range vector");
                return new Value(Kind.VECTOR, Set.of(), null);
            }
            if (range.known() && range.metric() != null
                    && (COUNTER_FUNCTIONS.contains(f) || GAUGE_FUNCTIONS.contains(f))) {
                String type = typeOf(range.metric());
                boolean counter = type.equals("counter") || (Set.of("histogram", "summary").contains(type)
                        && range.metric().matches(".*_(bucket|count|sum)$"));
                if (COUNTER_FUNCTIONS.contains(f) && !counter) {
                    problems.add(f + "(" + range.metric() + "): " + range.metric() + " is not a counter but a "
                            + type + "; use deriv() or delta()");
                }
                if (GAUGE_FUNCTIONS.contains(f) && counter) {
                    problems.add(f + "(" + range.metric() + "): " + range.metric() + " is a counter; use rate()");
                }
            }
            return new Value(Kind.VECTOR, range.labels(), null);
        }
        if (VECTOR_FUNCTIONS.contains(f)) {
            if (args.isEmpty() || args.get(0).kind() != Kind.VECTOR) {
                problems.add(f + "() takes an instant vector");
                return new Value(Kind.VECTOR, Set.of(), null);
            }
            return new Value(Kind.VECTOR, args.get(0).labels(), null);
        }
        switch (f) {
            case "histogram_quantile": {
                if (args.size() != 2 || args.get(0).kind() != Kind.SCALAR || args.get(1).kind() != Kind.VECTOR) {
                    problems.add("histogram_quantile(scalar, vector)");
                    return new Value(Kind.VECTOR, Set.of(), null);
                }
                if (!args.get(1).known()) {
                    return new Value(Kind.VECTOR, null, null);
                }
                if (args.get(1).lacks("le")) {
                    problems.add("histogram_quantile needs the buckets' le label, which its argument lost: "
                            + args.get(1).labels());
                }
                Set<String> labels = new TreeSet<>(args.get(1).labels());
                labels.remove("le");
                return new Value(Kind.VECTOR, labels, null);
            }
            case "label_replace", "label_join": {
                if (args.size() < 4 || args.get(0).kind() != Kind.VECTOR) {
                    problems.add(f + "(vector, dst, ...)");
                    return new Value(Kind.VECTOR, Set.of(), null);
                }
                if (!args.get(0).known()) {
                    return new Value(Kind.VECTOR, null, null);
                }
                List<Node> raw = c.args();
                List<Node> sources = f.equals("label_replace") ? List.of(raw.get(3)) : raw.subList(3, raw.size());
                for (Node source : sources) {
                    if (source instanceof Str s && !s.value().isEmpty() && args.get(0).lacks(s.value())) {
                        problems.add(f + ": source label " + s.value() + " is not on " + args.get(0).labels());
                    }
                }
                Set<String> labels = new TreeSet<>(args.get(0).labels());
                if (raw.get(1) instanceof Str dst) {
                    labels.add(dst.value());
                }
                return new Value(Kind.VECTOR, labels, null);
            }
            case "vector":
                return new Value(Kind.VECTOR, Set.of(), null);
            case "scalar", "time", "pi":
                return Value.scalar();
            case "absent":
                return new Value(Kind.VECTOR, Set.of(), null);
            default:
                problems.add("function " + f + "() does not exist in PromQL (or is not known to this check)");
                return new Value(Kind.VECTOR, Set.of(), null);
        }
    }

    private Value binary(Binary b) {
        Value lhs = check(b.lhs());
        Value rhs = check(b.rhs());
        boolean set = Set.of("and", "or", "unless").contains(b.op());
        if (lhs.kind() == Kind.MATRIX || rhs.kind() == Kind.MATRIX || lhs.kind() == Kind.STRING
                || rhs.kind() == Kind.STRING) {
            problems.add("operator " + b.op() + " between a " + lhs.kind() + " and a " + rhs.kind());
            return new Value(Kind.VECTOR, Set.of(), null);
        }
        if (lhs.kind() == Kind.SCALAR && rhs.kind() == Kind.SCALAR) {
            return Value.scalar();
        }
        if (!lhs.known() || !rhs.known()) {
            return new Value(Kind.VECTOR, null, null);
        }
        if (lhs.kind() == Kind.SCALAR || rhs.kind() == Kind.SCALAR) {
            if (set) {
                problems.add("operator " + b.op() + " needs vectors on both sides");
            }
            return new Value(Kind.VECTOR, lhs.kind() == Kind.VECTOR ? lhs.labels() : rhs.labels(), null);
        }
        for (String l : b.matchingLabels()) {
            boolean onBoth = lhs.labels().contains(l) && rhs.labels().contains(l);
            boolean onEither = lhs.labels().contains(l) || rhs.labels().contains(l);
            if (b.matching().equals("on") ? !onBoth : !onEither) {
                problems.add(b.matching() + " (" + l + "): label " + l + " is not on " + (b.matching().equals("on")
                        ? "both sides" : "either side") + ": " + lhs.labels() + " " + b.op() + " " + rhs.labels());
            }
        }
        Value many = "group_right".equals(b.group()) ? rhs : lhs;
        Value one = "group_right".equals(b.group()) ? lhs : rhs;
        for (String l : b.groupLabels()) {
            if (!one.labels().contains(l)) {
                problems.add(b.group() + " (" + l + "): label " + l + " is not on the \"one\" side: "
                        + one.labels());
            }
        }
        if (!set && b.matching() == null && !lhs.labels().equals(rhs.labels())) {
            problems.add("operator " + b.op() + " matches series with the same labels, but the two sides have "
                    + "different labels (the result is empty): " + lhs.labels() + " and " + rhs.labels()
                    + "; aggregate them alike, or use on (...)");
        }
        Set<String> labels = new TreeSet<>(many.labels());
        if (b.op().equals("or")) {
            labels.addAll(rhs.labels());
        }
        labels.addAll(b.groupLabels());
        return new Value(Kind.VECTOR, labels, null);
    }

    private void expectKind(Value v, Kind kind, String what) {
        if (v.kind() != kind) {
            problems.add(what + " takes a " + kind + ", not a " + v.kind());
        }
    }

    private String typeOf(String metric) {
        return stored.stream().filter(s -> s.name().equals(metric)).map(s -> scrapes.get(s.source()).typeOf(metric))
                .findFirst().orElse("untyped");
    }
}
