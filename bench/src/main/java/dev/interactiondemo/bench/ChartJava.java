package dev.interactiondemo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator's JVM options as the Helm chart gives them (its {@code JDK_JAVA_OPTIONS}): {@code -Xmx<heap>} and
 * then {@code jvmOptions}, from the chart's values.yaml; and its {@code MALLOC_ARENA_MAX} ({@code mallocArenas}). The
 * benchmark runs the operator with them, so that what it proves about memory holds for the chart's defaults.
 */
final class ChartJava {
    static final String VALUES = "helm/interaction-demo-operator/values.yaml";

    private ChartJava() {
    }

    static List<String> options(Path repo) {
        Map<?, ?> values = values(repo);
        List<String> options = new ArrayList<>();
        Object heap = values.get("heap");
        if (heap != null && !heap.toString().isBlank()) {
            options.add("-Xmx" + heap.toString().trim());
        }
        Object more = values.get("jvmOptions");
        if (more != null && !more.toString().isBlank()) {
            options.addAll(List.of(more.toString().trim().split("\\s+")));
        }
        return List.copyOf(options);
    }

    /** The environment the chart gives the operator's process besides its settings: {@code MALLOC_ARENA_MAX}. */
    static Map<String, String> environment(Path repo) {
        Object arenas = values(repo).get("mallocArenas");
        return arenas == null ? Map.of() : Map.of("MALLOC_ARENA_MAX", arenas.toString());
    }

    private static Map<?, ?> values(Path repo) {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(repo.resolve(VALUES).toFile(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chart's " + VALUES, e);
        }
    }
}
