package dev.interactiondemo.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recursive-descent parser of PromQL, with its operator precedence, and the expressions it parses into: the part of
 * Prometheus' grammar that names metrics and labels, enough for {@link DashboardQueryCheck} to check a dashboard's
 * queries against the series Prometheus would store.
 */
final class PromQl {
    /** A PromQL expression, parsed as Prometheus parses it. */
    interface Node {
    }

    record Num(double value) implements Node {
    }

    record Str(String value) implements Node {
    }

    record LabelMatcher(String label, String op, String value) {
        boolean matches(String actual) {
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "=~" -> Pattern.compile("^(?:" + value + ")$").matcher(v).matches();
                case "!~" -> !Pattern.compile("^(?:" + value + ")$").matcher(v).matches();
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** {@code metric{matchers}}, with {@code [range]} for a range vector. */
    record Selector(String metric, List<LabelMatcher> matchers, String range) implements Node {
    }

    record Call(String function, List<Node> args) implements Node {
    }

    record Aggregation(String op, List<String> grouping, boolean without, Node param, Node expr) implements Node {
    }

    record Binary(String op, Node lhs, Node rhs, String matching, List<String> matchingLabels, String group,
                  List<String> groupLabels) implements Node {
    }

    record Unary(String op, Node expr) implements Node {
    }

    record Subquery(Node expr, String range) implements Node {
    }

    private record Token(String type, String text) {
    }

    static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "group", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio");
    static final Set<String> WITH_PARAM = Set.of("topk", "bottomk", "quantile", "count_values", "limitk",
            "limit_ratio");
    private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(Map.entry("or", 1), Map.entry("and", 2),
            Map.entry("unless", 2), Map.entry("==", 3), Map.entry("!=", 3), Map.entry("<=", 3), Map.entry("<", 3),
            Map.entry(">=", 3), Map.entry(">", 3), Map.entry("+", 4), Map.entry("-", 4), Map.entry("*", 5),
            Map.entry("/", 5), Map.entry("%", 5), Map.entry("atan2", 5), Map.entry("^", 6));
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
    private static final Pattern NUMBER = Pattern.compile("0x[0-9a-fA-F]+|[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");

    private final List<Token> tokens;
    private int pos;

    private PromQl(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Node parse(String expr) {
        PromQl p = new PromQl(tokenize(expr));
        Node node = p.expr(0);
        if (p.pos != p.tokens.size()) {
            throw new PromQlParseException("unexpected " + p.tokens.get(p.pos).text() + " at token " + p.pos);
        }
        return node;
    }

    static boolean isDuration(String s) {
        return DURATION.matcher(s).matches();
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '[') {
                int end = s.indexOf(']', i);
                if (end < 0) {
                    throw new PromQlParseException("unclosed [");
                }
                out.add(new Token("range", s.substring(i + 1, end).trim()));
                i = end + 1;
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    if (s.charAt(j) == '\\' && c != '`' && j + 1 < s.length()) {
                        char n = s.charAt(++j);
                        b.append(switch (n) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> n;
                        });
                    } else {
                        b.append(s.charAt(j));
                    }
                    j++;
                }
                if (j >= s.length()) {
                    throw new PromQlParseException("unclosed string");
                }
                out.add(new Token("string", b.toString()));
                i = j + 1;
            } else if (Character.isDigit(c)
                    || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                Matcher m = NUMBER.matcher(s).region(i, s.length());
                m.lookingAt();
                int end = m.end();
                if (end < s.length() && Character.isLetter(s.charAt(end))) { // a duration: 5m, 1h30m
                    Matcher d = Pattern.compile("[0-9a-zA-Z]+").matcher(s).region(i, s.length());
                    d.lookingAt();
                    out.add(new Token("duration", d.group()));
                    i = d.end();
                } else {
                    out.add(new Token("number", m.group()));
                    i = end;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < s.length()
                        && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == ':')) {
                    j++;
                }
                out.add(new Token("ident", s.substring(i, j)));
                i = j;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (Set.of("==", "!=", "<=", ">=", "=~", "!~").contains(two)) {
                    out.add(new Token("op", two));
                    i += 2;
                } else if ("+-*/%^<>=(){},@".indexOf(c) >= 0) {
                    out.add(new Token("op", String.valueOf(c)));
                    i++;
                } else {
                    throw new PromQlParseException("unexpected character '" + c + "'");
                }
            }
        }
        return out;
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : new Token("end", "");
    }

    private boolean at(String text) {
        Token t = peek();
        return !t.type().equals("string") && t.text().equals(text);
    }

    private Token next() {
        if (pos >= tokens.size()) {
            throw new PromQlParseException("unexpected end of the expression");
        }
        return tokens.get(pos++);
    }

    private void expect(String text) {
        Token t = next();
        if (!t.text().equals(text) || t.type().equals("string")) {
            throw new PromQlParseException("expected " + text + " but found " + t.text());
        }
    }

    private String binaryOp() {
        Token t = peek();
        if ((t.type().equals("op") || t.type().equals("ident")) && PRECEDENCE.containsKey(t.text())) {
            return t.text();
        }
        return null;
    }

    private Node expr(int minPrecedence) {
        Node lhs = unary();
        while (true) {
            String op = binaryOp();
            if (op == null || PRECEDENCE.get(op) < minPrecedence) {
                return lhs;
            }
            next();
            if (at("bool")) {
                next();
            }
            String matching = null;
            List<String> matchingLabels = List.of();
            if (at("on") || at("ignoring")) {
                matching = next().text();
                matchingLabels = labelList();
            }
            String group = null;
            List<String> groupLabels = List.of();
            if (at("group_left") || at("group_right")) {
                group = next().text();
                if (at("(")) {
                    groupLabels = labelList();
                }
            }
            int precedence = PRECEDENCE.get(op);
            Node rhs = expr(op.equals("^") ? precedence : precedence + 1);
            lhs = new Binary(op, lhs, rhs, matching, matchingLabels, group, groupLabels);
        }
    }

    private Node unary() {
        if (at("-") || at("+")) {
            String op = next().text();
            return new Unary(op, unary());
        }
        return postfix(primary());
    }

    private Node postfix(Node node) {
        while (true) {
            Token t = peek();
            if (t.type().equals("range")) {
                next();
                String[] parts = t.text().split(":", -1);
                for (String part : parts.length == 2 && parts[1].isEmpty() ? new String[] {parts[0]} : parts) {
                    if (!isDuration(part.trim())) {
                        throw new PromQlParseException("bad duration [" + t.text() + "]");
                    }
                }
                if (parts.length == 1 && node instanceof Selector s && s.range() == null) {
                    node = new Selector(s.metric(), s.matchers(), t.text());
                } else if (parts.length == 2) {
                    node = new Subquery(node, t.text());
                } else {
                    throw new PromQlParseException("a range applies to a selector only: [" + t.text() + "]");
                }
            } else if (at("offset")) {
                next();
                if (at("-")) {
                    next();
                }
                Token d = next();
                if (!d.type().equals("duration") || !isDuration(d.text())) {
                    throw new PromQlParseException("bad offset " + d.text());
                }
            } else if (at("@")) {
                next();
                if (at("start") || at("end")) {
                    next();
                    expect("(");
                    expect(")");
                } else if (!next().type().equals("number")) {
                    throw new PromQlParseException("bad @ modifier");
                }
            } else {
                return node;
            }
        }
    }

    private Node primary() {
        Token t = next();
        switch (t.type()) {
            case "number":
                return new Num(t.text().startsWith("0x") ? Long.parseLong(t.text().substring(2), 16)
                        : Double.parseDouble(t.text()));
            case "string":
                return new Str(t.text());
            case "op":
                if (t.text().equals("(")) {
                    Node inner = expr(0);
                    expect(")");
                    return inner;
                }
                if (t.text().equals("{")) {
                    pos--;
                    return new Selector(null, matchers(), null);
                }
                throw new PromQlParseException("unexpected " + t.text());
            case "ident":
                String name = t.text();
                if (AGGREGATIONS.contains(name) && (at("(") || at("by") || at("without"))) {
                    return aggregation(name);
                }
                if (at("(")) {
                    return new Call(name, args());
                }
                if (name.equalsIgnoreCase("inf") || name.equalsIgnoreCase("nan")) {
                    return new Num(name.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.NaN);
                }
                if (PRECEDENCE.containsKey(name) || Set.of("by", "without", "on", "ignoring", "group_left",
                        "group_right", "bool", "offset").contains(name)) {
                    throw new PromQlParseException("unexpected keyword " + name);
                }
                return new Selector(name, at("{") ? matchers() : List.of(), null);
            default:
                throw new PromQlParseException("unexpected " + t.text());
        }
    }

    private Node aggregation(String op) {
        List<String> grouping = null;
        boolean without = false;
        if (at("by") || at("without")) {
            without = next().text().equals("without");
            grouping = labelList();
        }
        List<Node> args = args();
        if (grouping == null && (at("by") || at("without"))) {
            without = next().text().equals("without");
            grouping = labelList();
        }
        int expected = WITH_PARAM.contains(op) ? 2 : 1;
        if (args.size() != expected) {
            throw new PromQlParseException(op + " takes " + expected + " argument(s), not " + args.size());
        }
        return new Aggregation(op, grouping, without, expected == 2 ? args.get(0) : null, args.get(expected - 1));
    }

    private List<Node> args() {
        expect("(");
        List<Node> args = new ArrayList<>();
        while (!at(")")) {
            args.add(expr(0));
            if (!at(")")) {
                expect(",");
            }
        }
        expect(")");
        return args;
    }

    private List<String> labelList() {
        expect("(");
        List<String> labels = new ArrayList<>();
        while (!at(")")) {
            Token t = next();
            if (!t.type().equals("ident") && !t.type().equals("string")) {
                throw new PromQlParseException("a label name, not " + t.text());
            }
            labels.add(t.text());
            if (!at(")")) {
                expect(",");
            }
        }
        expect(")");
        return labels;
    }

    private List<LabelMatcher> matchers() {
        expect("{");
        List<LabelMatcher> matchers = new ArrayList<>();
        while (!at("}")) {
            Token label = next();
            if (!label.type().equals("ident") && !label.type().equals("string")) {
                throw new PromQlParseException("a label name, not " + label.text());
            }
            Token op = next();
            if (!Set.of("=", "!=", "=~", "!~").contains(op.text()) || op.type().equals("string")) {
                throw new PromQlParseException("a label matcher operator, not " + op.text());
            }
            Token value = next();
            if (!value.type().equals("string")) {
                throw new PromQlParseException("a quoted label value, not " + value.text());
            }
            matchers.add(new LabelMatcher(label.text(), op.text(), value.text()));
            if (!at("}")) {
                expect(",");
            }
        }
        expect("}");
        return matchers;
    }
}
