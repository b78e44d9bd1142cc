package dev.interactiondemo.operator.dependents;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PodTemplatesTest {
    private static final Map<String, Quantity> DEFAULT_REQUESTS = Map.of("cpu", new Quantity("50m"),
            "memory", new Quantity("192Mi"));
    private static final Map<String, Quantity> DEFAULT_LIMITS = Map.of("cpu", new Quantity("1"),
            "memory", new Quantity("384Mi"));

    @Test
    void withoutAnOverrideTheDefaultsApply() {
        ResourceRequirements r = PodTemplates.resources(null);
        assertEquals(DEFAULT_REQUESTS, r.getRequests());
        assertEquals(DEFAULT_LIMITS, r.getLimits());
    }

    @Test
    void anOverrideOfOneValueKeepsTheOtherDefaults() {
        ResourceRequirements r = PodTemplates.resources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("200m")).build());
        assertEquals(Map.of("cpu", new Quantity("200m"), "memory", new Quantity("192Mi")), r.getRequests());
        assertEquals(DEFAULT_LIMITS, r.getLimits(), "the default limits are not dropped");
    }

    @Test
    void aRequestAboveTheDefaultLimitRaisesThatLimit() {
        ResourceRequirements r = PodTemplates.resources(new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("1Gi")).build());
        assertEquals(new Quantity("1Gi"), r.getLimits().get("memory"));
        assertEquals(new Quantity("1"), r.getLimits().get("cpu"));
    }

    @Test
    void theUsersOwnLimitsWin() {
        ResourceRequirements r = PodTemplates.resources(new ResourceRequirementsBuilder()
                .addToLimits("memory", new Quantity("512Mi")).addToLimits("ephemeral-storage", new Quantity("1Gi"))
                .build());
        assertEquals(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi"),
                "ephemeral-storage", new Quantity("1Gi")), r.getLimits());
        assertEquals(DEFAULT_REQUESTS, r.getRequests());
    }
}
