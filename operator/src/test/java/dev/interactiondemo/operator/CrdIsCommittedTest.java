package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CRDs in {@code crds/} (InteractionDemo's and InteractionLesson's) are the ones fabric8's crd-generator makes from
 * the model in {@code dev.interactiondemo.api}, with the printer columns in the order the model declares them (the
 * generator sorts them by JSON path).
 *
 * <p>Checking and updating are separate runs, so that no run can pass by comparing a file with what it has just
 * written: a run without {@code -Dcrd.update=true} only compares, and fails naming {@link #UPDATE_COMMAND}; a run
 * with it only writes {@code crds/} and the chart's copy ({@code helm/interaction-demo-operator/crds/}, which the
 * chart's tests compare with {@code crds/}) and skips every check, saying why.
 */
public class CrdIsCommittedTest {
    public static final String FILE = "interactiondemos.interactiondemo.dev-v1.yml";
    public static final String LESSON_FILE = "interactionlessons.interactiondemo.dev-v1.yml";
    /** Each committed CRD file, and the resource whose annotations give its printer columns' order. */
    public static final Map<String, Class<?>> FILES = Map.of(FILE, InteractionDemo.class,
            LESSON_FILE, InteractionLesson.class);
    /** Rewrites crds/ and the chart's copy from the model (and runs no check). */
    public static final String UPDATE_COMMAND = "./mvnw -pl operator -am test -Dcrd.update=true "
            + "-Dtest=CrdIsCommittedTest -Dsurefire.failIfNoSpecifiedTests=false";
    /** Why the checks are skipped in an update run (JUnit's disabledReason). */
    public static final String UPDATE_RUN = "-Dcrd.update=true: this run only writes the CRD from the model; "
            + "a run without it checks";

    /** The update run: writes the generated CRDs to crds/ and to the chart's crds/; checks nothing. */
    @Test
    @EnabledIfSystemProperty(named = "crd.update", matches = "true",
            disabledReason = "runs with -Dcrd.update=true only: " + UPDATE_COMMAND)
    void updateWritesTheGeneratedCrd() throws IOException {
        for (var file : FILES.entrySet()) {
            write(file.getKey(), withDeclaredColumnOrder(Files.readString(generated(file.getKey())),
                    file.getValue()));
        }
    }

    private static void write(String file, String expected) throws IOException {
        for (Path target : List.of(committed(file), Helm.chart().resolve("crds").resolve(file))) {
            boolean same = Files.exists(target) && Files.readString(target).equals(expected);
            if (!same) {
                Files.writeString(target, expected);
            }
            LoggerFactory.getLogger(CrdIsCommittedTest.class).warn("-Dcrd.update=true: {} {}; commit it",
                    target.toAbsolutePath().normalize(),
                    same ? "was already the generated CRD" : "rewritten from the model");
        }
    }

    @Test
    @DisabledIfSystemProperty(named = "crd.update", matches = "true", disabledReason = UPDATE_RUN)
    void theCommittedCrdsAreTheGeneratedOnes() throws IOException {
        for (var file : FILES.entrySet()) {
            String expected = withDeclaredColumnOrder(Files.readString(generated(file.getKey())), file.getValue());
            Path committed = committed(file.getKey());
            assertTrue(Files.exists(committed), committed + " is missing: run " + UPDATE_COMMAND);
            assertEquals(expected, Files.readString(committed), "crds/" + file.getKey() + " differs from the CRD "
                    + "generated from the model: run " + UPDATE_COMMAND + " and commit crds/ and "
                    + "helm/interaction-demo-operator/crds/");
        }
    }

    @Test
    @DisabledIfSystemProperty(named = "crd.update", matches = "true", disabledReason = UPDATE_RUN)
    void printerColumnsComeInTheDeclaredOrder() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(committed()),
                CustomResourceDefinition.class);
        assertEquals(List.of("Ready", "Greeter", "Produced", "Consumed", "Lag", "Lost", "Faults", "Age"),
                crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                        .map(CustomResourceColumnDefinition::getName).toList());
        CustomResourceDefinition lessons = Serialization.unmarshal(Files.readString(committed(LESSON_FILE)),
                CustomResourceDefinition.class);
        assertEquals(List.of("Demo", "Lesson", "Phase", "Step", "Verdict", "Age"),
                lessons.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                        .map(CustomResourceColumnDefinition::getName).toList());
    }

    /** A CRD the api module generated (api/target/crds). */
    private static Path generated(String file) {
        return Path.of(System.getProperty("generated.crds"), file);
    }

    /** The repository's crds/ file of InteractionDemo. */
    static Path committed() {
        return committed(FILE);
    }

    /** A file of the repository's crds/. */
    static Path committed(String file) {
        return Path.of(System.getProperty("committed.crds"), file);
    }

    /** The generated YAML with its printer columns reordered as the resource's annotations list them. */
    static String withDeclaredColumnOrder(String generatedYaml, Class<?> resource) {
        List<String> order = Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        CustomResourceDefinition crd = Serialization.unmarshal(generatedYaml, CustomResourceDefinition.class);
        crd.getSpec().getVersions().forEach(v -> v.getAdditionalPrinterColumns()
                .sort(Comparator.comparingInt(c -> order.indexOf(c.getName()))));
        return "# Generated from dev.interactiondemo.api by fabric8's crd-generator (api module);\n"
                + "# do not edit: change the model and run ./mvnw -pl operator -am test -Dcrd.update=true -Dtest=CrdIsCommittedTest -Dsurefire.failIfNoSpecifiedTests=false\n"
                + Serialization.asYaml(crd);
    }
}
