package dev.interactiondemo.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.Objects;
import java.util.TreeSet;

/**
 * What a status write changes, field by field ({@code .topic.ready: false -> true; .conditions[2].reason: ...}): the
 * operator's debug log says it for every write, so that a reader can see why a demo's status was written again.
 */
public final class StatusDiff {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private StatusDiff() {
    }

    /** The fields that differ, in path order; an empty string when none do. {@code before} may be null. */
    public static String describe(Object before, Object after) {
        StringBuilder out = new StringBuilder();
        diff("", tree(before), tree(after), out);
        return out.toString();
    }

    private static JsonNode tree(Object o) {
        return o == null ? NullNode.getInstance() : JSON.convertValue(o, JsonNode.class);
    }

    private static void diff(String path, JsonNode a, JsonNode b, StringBuilder out) {
        if (a.isObject() && b.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                diff(path + "." + name, a.path(name), b.path(name), out);
            }
        } else if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                diff(path + "[" + i + "]", a.path(i), b.path(i), out);
            }
        } else if (!Objects.equals(a, b)) {
            out.append(out.isEmpty() ? "" : "; ").append(path.isEmpty() ? "." : path).append(": ")
                    .append(a.isMissingNode() ? "null" : a).append(" -> ").append(b.isMissingNode() ? "null" : b);
        }
    }
}
