package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.util.List;

/** The notifier's container, either role: HTTP port 8080 with /readyz and /healthz probes. */
final class NotifierContainers {
    private NotifierContainers() {
    }

    static Container of(String role, String image, OperatorConfig config, ResourceRequirements resources,
                        List<EnvVar> env, List<VolumeMount> mounts) {
        return PodTemplates.container(role, image, config, env, resources)
                .addAllToVolumeMounts(mounts)
                .addNewPort().withName("http").withContainerPort(Names.NOTIFIER_HTTP_PORT).withProtocol("TCP").endPort()
                .withNewReadinessProbe()
                .withNewHttpGet().withPath("/readyz").withNewPort("http").endHttpGet()
                .withPeriodSeconds(5).withFailureThreshold(2)
                .endReadinessProbe()
                .withNewLivenessProbe()
                .withNewHttpGet().withPath("/healthz").withNewPort("http").endHttpGet()
                .withPeriodSeconds(10).withFailureThreshold(3)
                .endLivenessProbe()
                .withNewStartupProbe()
                .withNewHttpGet().withPath("/healthz").withNewPort("http").endHttpGet()
                .withPeriodSeconds(2).withFailureThreshold(60)
                .endStartupProbe()
                .build();
    }
}
