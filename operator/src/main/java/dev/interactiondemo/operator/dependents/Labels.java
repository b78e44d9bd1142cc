package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;

/** The {@code app.kubernetes.io/*} labels on everything the operator creates. */
public final class Labels {
    public static final String MANAGED_BY = "interaction-demo-operator";
    static final String NAME = "app.kubernetes.io/name";
    static final String INSTANCE = "app.kubernetes.io/instance";
    static final String COMPONENT = "app.kubernetes.io/component";
    static final String PART_OF = "app.kubernetes.io/part-of";
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

    private Labels() {
    }

    /** All labels of a component of one demo. */
    public static Map<String, String> of(InteractionDemo demo, String component) {
        return Map.of(NAME, component, INSTANCE, demo.getMetadata().getName(), COMPONENT, component,
                PART_OF, "interaction-demo", MANAGED_BY_LABEL, MANAGED_BY);
    }

    /** The labels that select a component's pods; stable, as a Deployment's selector must be. */
    public static Map<String, String> selector(InteractionDemo demo, String component) {
        return Map.of(INSTANCE, demo.getMetadata().getName(), COMPONENT, component);
    }

    /** The pods of some components of every demo: only the operator's. */
    public static String podsOf(String... components) {
        return MANAGED_BY_LABEL + "=" + MANAGED_BY + "," + COMPONENT + " in (" + String.join(",", components) + ")";
    }

    /** The demo an object of the operator's belongs to (its instance label). */
    public static String instance(HasMetadata object) {
        return object.getMetadata().getLabels() == null ? null : object.getMetadata().getLabels().get(INSTANCE);
    }

    public static String component(HasMetadata object) {
        return object.getMetadata().getLabels() == null ? null : object.getMetadata().getLabels().get(COMPONENT);
    }

    /** What an informer of one component's objects watches: only the operator's, only that component. */
    public static String informerSelector(String component) {
        return MANAGED_BY_LABEL + "=" + MANAGED_BY + "," + COMPONENT + "=" + component;
    }
}
