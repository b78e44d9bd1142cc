package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CRD in {@code crds/} is the one fabric8's crd-generator makes from the model in
 * {@code dev.interactiondemo.api}, with the printer columns in the order the model declares them (the
 * generator sorts them by JSON path). The build fails when they drift; {@code -Dcrd.update=true} rewrites it.
 */
class CrdIsCommittedTest {
    static final String FILE = "interactiondemos.interactiondemo.dev-v1.yml";

    @Test
    void theCommittedCrdIsTheGeneratedOne() throws Exception {
        Path generated = Path.of(System.getProperty("generated.crds"), FILE);
        Path committed = Path.of(System.getProperty("committed.crds"), FILE);
        String expected = withDeclaredColumnOrder(Files.readString(generated));
        if (Boolean.getBoolean("crd.update")) {
            Files.writeString(committed, expected);
        }
        assertTrue(Files.exists(committed), committed + " is missing: run ./mvnw -pl api,operator test -Dcrd.update=true");
        assertEquals(expected, Files.readString(committed), "crds/" + FILE + " differs from the CRD generated from the "
                + "model: run ./mvnw -pl api,operator test -Dcrd.update=true and commit crds/");
    }

    @Test
    void printerColumnsComeInTheDeclaredOrder() throws Exception {
        String yaml = Files.readString(Path.of(System.getProperty("committed.crds"), FILE));
        CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
        assertEquals(List.of("Ready", "Greeter", "Produced", "Consumed", "Lag", "Lost", "Faults", "Age"),
                crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                        .map(CustomResourceColumnDefinition::getName).toList());
    }

    /** The generated YAML with its printer columns reordered as InteractionDemo's annotations list them. */
    static String withDeclaredColumnOrder(String generatedYaml) {
        List<String> order = Arrays.stream(InteractionDemo.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        CustomResourceDefinition crd = Serialization.unmarshal(generatedYaml, CustomResourceDefinition.class);
        crd.getSpec().getVersions().forEach(v -> v.getAdditionalPrinterColumns()
                .sort(Comparator.comparingInt(c -> order.indexOf(c.getName()))));
        return "# Generated from dev.interactiondemo.api by fabric8's crd-generator (api module);\n"
                + "# do not edit: change the model and run ./mvnw -pl api,operator test -Dcrd.update=true\n"
                + Serialization.asYaml(crd);
    }
}
