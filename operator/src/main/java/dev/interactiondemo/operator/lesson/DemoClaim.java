package dev.interactiondemo.operator.lesson;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which lesson holds a demo: the annotation {@value #ANNOTATION} on the demo, taken and given back with JSON patches
 * that test what they change. The API server applies one patch at a time, so two lessons never both hold a demo,
 * however stale the operator's caches are (lessons created in the same second each see the other late).
 */
final class DemoClaim {
    static final String ANNOTATION = "interactiondemo.dev/lesson";
    private static final String PATH = "/metadata/annotations/interactiondemo.dev~1lesson";

    private DemoClaim() {
    }

    /** The lesson that holds the demo, if one does. */
    static Optional<String> holder(InteractionDemo demo) {
        Map<String, String> annotations = demo.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(ANNOTATION));
    }

    /**
     * Takes the demo for the lesson, unless another lesson that is still active holds it.
     *
     * @param active whether the lesson of this name, holding the demo, still runs (a holder that ended or was
     *               deleted without giving the demo back is replaced)
     * @return whether the lesson holds the demo now
     */
    static boolean take(KubernetesClient client, InteractionDemo demo, String lesson, Predicate<String> active) {
        Optional<String> holder = holder(demo);
        if (holder.isPresent() && holder.get().equals(lesson)) {
            return true;
        }
        if (holder.isPresent() && active.test(holder.get())) {
            return false;
        }
        String patch;
        if (holder.isPresent()) {
            patch = "[" + test(holder.get()) + ",{\"op\":\"replace\",\"path\":\"" + PATH + "\",\"value\":"
                    + quote(lesson) + "}]";
        } else if (demo.getMetadata().getAnnotations() == null || demo.getMetadata().getAnnotations().isEmpty()) {
            patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":"
                    + quote(demo.getMetadata().getResourceVersion()) + "},{\"op\":\"add\",\"path\":"
                    + "\"/metadata/annotations\",\"value\":{" + quote(ANNOTATION) + ":" + quote(lesson) + "}}]";
        } else {
            patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":"
                    + quote(demo.getMetadata().getResourceVersion()) + "},{\"op\":\"add\",\"path\":\"" + PATH
                    + "\",\"value\":" + quote(lesson) + "}]";
        }
        return patched(client, demo, patch);
    }

    /** Gives the demo back, if the lesson holds it. */
    static void release(KubernetesClient client, InteractionDemo demo, String lesson) {
        if (holder(demo).filter(lesson::equals).isPresent()) {
            patched(client, demo, "[" + test(lesson) + ",{\"op\":\"remove\",\"path\":\"" + PATH + "\"}]");
        }
    }

    private static boolean patched(KubernetesClient client, InteractionDemo demo, String patch) {
        try {
            // With the object given, the client sends the patch as it is: no get first (the operator may not get
            // demos, only list, watch and patch them).
            client.resources(InteractionDemo.class).inNamespace(demo.getMetadata().getNamespace()).resource(demo)
                    .patch(PatchContext.of(PatchType.JSON), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422 || e.getCode() == 409 || e.getCode() == 404 || e.getCode() == 400) {
                return false; // changed meanwhile (another lesson took it, or the demo went): the next look retries
            }
            throw e;
        }
    }

    private static String test(String lesson) {
        return "{\"op\":\"test\",\"path\":\"" + PATH + "\",\"value\":" + quote(lesson) + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
