package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The InteractionLesson CRD's schema and CEL rules, as a real API server applies them at admission. */
class LessonValidationTest {
    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void setUp() {
        client = KubeApi.client();
        ns = KubeApi.namespace("lesson-validation");
    }

    private static GenericKubernetesResource lesson(String name, String specYaml) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionLesson
                metadata:
                  name: %s
                spec:
                %s
                """.formatted(name, specYaml.indent(2)), GenericKubernetesResource.class);
    }

    private static String rejection(String name, String specYaml) {
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.genericKubernetesResources(InteractionDemo.GROUP + "/" + InteractionDemo.VERSION,
                        "InteractionLesson").inNamespace(ns).resource(lesson(name, specYaml)).create());
        assertEquals(422, e.getCode(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aCatalogueLessonOrStepsAreAccepted() {
        var resources = client.genericKubernetesResources(InteractionDemo.GROUP + "/" + InteractionDemo.VERSION,
                "InteractionLesson").inNamespace(ns);
        resources.resource(lesson("catalogue", "{demo: hello, lesson: worker-outage}")).create();
        var created = resources.resource(lesson("own", """
                demo: hello
                steps:
                - {name: stop, set: {worker: {replicas: 0}}, hold: 20s}
                - {name: start, set: {worker: {replicas: 1}}, until: {figure: lag, is: equal, value: 0}, timeout: 2m}
                """)).create();
        assertEquals(1, ((Number) ((java.util.Map<?, ?>) created.getAdditionalProperties().get("spec"))
                .get("runs")).intValue(), "runs defaults to 1");
    }

    @Test
    void aLessonIsFromTheCatalogueOrHasStepsNotBoth() {
        String m = rejection("both", """
                demo: hello
                lesson: worker-outage
                steps:
                - {name: stop, hold: 5s}
                """);
        assertTrue(m.contains("spec") && m.contains("give either lesson"), m);
        m = rejection("neither", "demo: hello");
        assertTrue(m.contains("spec") && m.contains("give either lesson"), m);
    }

    @Test
    void aStepHoldsOrWaitsNotBoth() {
        String m = rejection("hold-and-until", """
                demo: hello
                steps:
                - {name: both, hold: 5s, until: {figure: lag, is: equal, value: 0}}
                """);
        assertTrue(m.contains("spec.steps[0]") && m.contains("hold or until, not both"), m);
    }

    @Test
    void anUnknownCatalogueLessonIsRefusedNamingTheCatalogue() {
        String m = rejection("unknown", "{demo: hello, lesson: coffee-break}");
        assertTrue(m.contains("spec.lesson") && m.contains("one of the catalogue"), m);
    }

    @Test
    void stepNamesAreUnique() {
        String m = rejection("twice", """
                demo: hello
                steps:
                - {name: same, hold: 1s}
                - {name: same, hold: 1s}
                """);
        assertTrue(m.contains("spec") && m.contains("each step needs a name of its own"), m);
    }
}
