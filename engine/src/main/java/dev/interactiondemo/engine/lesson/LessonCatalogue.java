package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The catalogue of lessons, the same for the sandbox and the cluster: each is an InteractionLesson YAML among the
 * engine's resources ({@code lessons/<name>.yaml}), with its steps and hypotheses.
 */
public final class LessonCatalogue {
    /** The catalogue's lessons, in teaching order. */
    public static final List<String> NAMES = List.of("greeter-outage", "greeter-unavailable", "greeter-errors",
            "worker-outage", "duplicates", "kafka-cut", "scale-out", "pull-model", "sync-vs-async", "replay");

    private LessonCatalogue() {
    }

    /** The catalogue lesson's steps and hypotheses. */
    public static InteractionLessonSpec spec(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no lesson " + name + " in the catalogue: " + String.join(", ", NAMES));
        }
        try (InputStream in = LessonCatalogue.class.getResourceAsStream("/lessons/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("the catalogue lesson " + name + " is missing from the engine");
            }
            return read(in).getSpec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An InteractionLesson from YAML (a file given to the sandbox's --lesson, or a catalogue lesson). */
    public static InteractionLesson read(InputStream yaml) {
        InteractionLesson lesson = Serialization.unmarshal(yaml, InteractionLesson.class);
        if (lesson == null || lesson.getSpec() == null) {
            throw new IllegalArgumentException("not an InteractionLesson with a spec");
        }
        return lesson;
    }

    /** An InteractionLesson from a YAML file. */
    public static InteractionLesson read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }
}
