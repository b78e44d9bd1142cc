package dev.interactiondemo.engine.lesson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interactiondemo.api.lesson.DemoSwitches;
import dev.interactiondemo.api.lesson.SwitchedField;
import dev.interactiondemo.api.spec.InteractionDemoSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a demo's spec a lesson may switch, by their path in the spec ({@code faults.greeter.errorRate}), with
 * their values as JSON text: what a step sets, what the lesson records as "before", and what it gives back.
 */
public final class SwitchFields {
    /** Every switchable field, in the order the switches are listed. */
    public static final List<String> ALL = List.of("greeter.replicas", "greeter.responseDelay", "host.callMode",
            "host.messagesPerSecond", "worker.replicas", "worker.processingDelay", "faults.greeter.errorRate",
            "faults.greeter.unavailable", "faults.worker.failBeforeCommit", "faults.kafka.cutHost");

    private static final ObjectMapper JSON = new ObjectMapper();

    private SwitchFields() {
    }

    /** The fields a step's {@code set} names, with their values as JSON, in {@link #ALL}'s order. */
    public static Map<String, String> of(DemoSwitches set) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (set == null) {
            return fields;
        }
        JsonNode tree = JSON.valueToTree(set);
        for (String field : ALL) {
            JsonNode v = at(tree, field);
            if (v != null && !v.isNull()) {
                fields.put(field, v.toString());
            }
        }
        return fields;
    }

    /** The field's value in the demo's spec as JSON, or null when it is not set. */
    public static String read(InteractionDemoSpec spec, String field) {
        JsonNode v = spec == null ? null : at(JSON.valueToTree(spec), field);
        return v == null || v.isNull() ? null : v.toString();
    }

    /** The spec with the fields set to the given JSON values (a null value unsets the field). */
    public static InteractionDemoSpec write(InteractionDemoSpec spec, Map<String, String> values) {
        ObjectNode tree = spec == null ? JSON.createObjectNode() : JSON.valueToTree(spec);
        values.forEach((field, value) -> put(tree, field, value));
        try {
            return JSON.treeToValue(tree, InteractionDemoSpec.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot switch " + values + ": " + e.getMessage(), e);
        }
    }

    /**
     * A spec fragment with only the given fields: the lesson's switches in force (each field's {@code value}), or what
     * it gives back ({@code before}; the fields that were not set before are left out).
     */
    public static ObjectNode fragment(List<SwitchedField> switched, boolean before) {
        ObjectNode spec = JSON.createObjectNode();
        for (SwitchedField f : switched) {
            String value = before ? f.getBefore() : f.getValue();
            if (value != null) {
                put(spec, f.getField(), value);
            }
        }
        return spec;
    }

    /** The field's value as it reads in a timeline: JSON without the quotes of a string. */
    public static String text(String json) {
        if (json == null) {
            return "unset";
        }
        return json.startsWith("\"") && json.endsWith("\"") ? json.substring(1, json.length() - 1) : json;
    }

    private static JsonNode at(JsonNode tree, String field) {
        JsonNode node = tree;
        for (String part : field.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }

    private static void put(ObjectNode tree, String field, String json) {
        String[] parts = field.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        if (json == null) {
            node.remove(leaf);
        } else {
            try {
                node.set(leaf, JSON.readTree(json));
            } catch (Exception e) {
                throw new IllegalArgumentException(field + ": not JSON: " + json, e);
            }
        }
    }

    /** The switched fields a list names, for lookups. */
    static Map<String, SwitchedField> byField(List<SwitchedField> switched) {
        Map<String, SwitchedField> m = new LinkedHashMap<>();
        if (switched != null) {
            switched.forEach(f -> m.put(f.getField(), f));
        }
        return m;
    }

    /** A copy of the list, never null. */
    static List<SwitchedField> copy(List<SwitchedField> switched) {
        return switched == null ? new ArrayList<>() : new ArrayList<>(switched);
    }
}
