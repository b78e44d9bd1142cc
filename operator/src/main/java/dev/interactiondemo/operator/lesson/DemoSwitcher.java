package dev.interactiondemo.operator.lesson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.SwitchedField;
import dev.interactiondemo.engine.lesson.SwitchFields;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * A lesson's switches on its demo, by server-side apply under a field manager of the lesson's own
 * ({@code interactionlesson-<lesson>}): the values in force while a step lasts, and what it gives back at the end.
 * A lesson touches only its own demo, in its own namespace.
 *
 * <p>Giving back: the lesson applies the values from before (a field that was unset is left out, so the apply
 * removes it), then takes its manager out of the demo's managedFields, so that the fields belong to whoever set them
 * and their next apply meets no conflict.
 */
final class DemoSwitcher {
    private static final Logger LOG = LoggerFactory.getLogger(DemoSwitcher.class);
    private static final String PREFIX = "interactionlesson-";
    /** The longest field manager name the API server accepts. */
    private static final int MANAGER_MAX = 128;
    private static final int HTTP_NOT_FOUND = 404;

    private final KubernetesClient client;

    DemoSwitcher(KubernetesClient client) {
        this.client = client;
    }

    /** The lesson's field manager on its demo. */
    static String manager(InteractionLesson lesson) {
        String m = PREFIX + lesson.getMetadata().getName();
        return m.length() > MANAGER_MAX ? m.substring(0, MANAGER_MAX) : m;
    }

    /**
     * Puts the switched fields' values in force on the demo, unless its spec already has them (no needless writes).
     *
     * @return whether the demo was written
     */
    boolean enforce(InteractionLesson lesson, InteractionDemo demo, List<SwitchedField> inForce) {
        if (inForce.stream().allMatch(f -> sameJson(SwitchFields.read(demo.getSpec(), f.getField()), f.getValue()))) {
            return false;
        }
        LOG.info("Lesson {}/{} switches {} of demo {}", lesson.getMetadata().getNamespace(),
                lesson.getMetadata().getName(), inForce.stream().map(f -> f.getField() + "="
                        + SwitchFields.text(f.getValue())).toList(), demo.getMetadata().getName());
        apply(lesson, demo, SwitchFields.fragment(inForce, false));
        return true;
    }

    /**
     * Gives every switched field back: its value from before, or unset; then the lesson's manager leaves the demo's
     * managedFields. A demo deleted meanwhile has nothing to give back to.
     */
    void restore(InteractionLesson lesson, InteractionDemo demo, List<SwitchedField> switched) {
        LOG.info("Lesson {}/{} gives back {} of demo {}", lesson.getMetadata().getNamespace(),
                lesson.getMetadata().getName(), switched.stream().map(f -> f.getField() + "="
                        + SwitchFields.text(f.getBefore())).toList(), demo.getMetadata().getName());
        try {
            GenericKubernetesResource applied = apply(lesson, demo, SwitchFields.fragment(switched, true));
            leaveManagedFields(lesson, applied);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.info("Demo {} was deleted while lesson {} gave back its switches", demo.getMetadata().getName(),
                    lesson.getMetadata().getName());
        }
    }

    private GenericKubernetesResource apply(InteractionLesson lesson, InteractionDemo demo, ObjectNode spec) {
        GenericKubernetesResource patch = new GenericKubernetesResource();
        patch.setApiVersion(demo.getApiVersion());
        patch.setKind(demo.getKind());
        patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(lesson.getSpec().getDemo()).withNamespace(lesson.getMetadata().getNamespace()).build());
        patch.setAdditionalProperty("spec", Serialization.jsonMapper().convertValue(spec, Map.class));
        // With the object given, the client sends the apply as it is: no get first (the operator may not get demos).
        return client.genericKubernetesResources(demo.getApiVersion(), demo.getKind())
                .inNamespace(lesson.getMetadata().getNamespace()).resource(patch)
                .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager(manager(lesson)).withForce(true).build());
    }

    /** Removes the lesson's manager from the demo's managedFields: a JSON patch that tests, then removes its entry. */
    private void leaveManagedFields(InteractionLesson lesson, GenericKubernetesResource demo) {
        List<ManagedFieldsEntry> entries = demo.getMetadata().getManagedFields();
        String manager = manager(lesson);
        for (int i = entries == null ? -1 : entries.size() - 1; i >= 0; i--) {
            if (!manager.equals(entries.get(i).getManager())) {
                continue;
            }
            String path = "/metadata/managedFields/" + i;
            String patch = Serialization.asJson(List.of(
                    Map.of("op", "test", "path", path + "/manager", "value", manager),
                    Map.of("op", "remove", "path", path)));
            client.genericKubernetesResources(demo.getApiVersion(), demo.getKind())
                    .inNamespace(demo.getMetadata().getNamespace()).resource(demo)
                    .patch(PatchContext.of(PatchType.JSON), patch);
            return; // one entry per manager and operation; the next look finds any other
        }
    }

    /** Whether two JSON values are the same (numbers by value: 1 and 1.0 are the same). */
    static boolean sameJson(String a, String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        try {
            JsonNode x = Serialization.jsonMapper().readTree(a);
            JsonNode y = Serialization.jsonMapper().readTree(b);
            if (x.isNumber() && y.isNumber()) {
                return x.decimalValue().compareTo(y.decimalValue()) == 0;
            }
            return x.equals(y);
        } catch (Exception e) {
            return a.equals(b);
        }
    }
}
