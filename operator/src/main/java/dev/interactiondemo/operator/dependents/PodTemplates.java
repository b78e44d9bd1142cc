package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every pod of a demo has: the restricted Pod Security Standard (non-root, read-only root filesystem, no
 * capabilities, no privilege escalation, RuntimeDefault seccomp), a writable {@code /tmp} (the JVM and gRPC's
 * native transport need one), requests and limits, and the demo's labels.
 */
final class PodTemplates {
    static final long RUN_AS_USER = 1000;

    private PodTemplates() {
    }

    /** A Deployment of one container, owned by and labelled for {@code demo}'s {@code component}. */
    static Deployment deployment(InteractionDemo demo, String name, String component, int replicas,
                                 Container container) {
        return deployment(demo, name, component, replicas, container, List.of());
    }

    /** As {@link #deployment(InteractionDemo, String, String, int, Container)}, with more volumes. */
    static Deployment deployment(InteractionDemo demo, String name, String component, int replicas,
                                 Container container, List<Volume> volumes) {
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(Labels.of(demo, component)).endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(30L)
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(RUN_AS_USER).withRunAsGroup(RUN_AS_USER).withFsGroup(RUN_AS_USER)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(new ContainerBuilder(container)
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withRunAsNonRoot(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .build())
                .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                .endVolume()
                .addAllToVolumes(volumes)
                .endSpec()
                .build();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name).withNamespace(demo.getMetadata().getNamespace())
                .withLabels(Labels.of(demo, component))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(Labels.selector(demo, component)).endSelector()
                .withTemplate(template)
                .endSpec()
                .build();
    }

    /**
     * The defaults (a small JVM) with the user's requests and limits laid over them, per resource: a user who sets
     * only {@code requests.cpu} keeps the default memory request and both limits. A request above the default limit
     * (with no limit of the user's) raises the limit to it, so the result is always valid.
     */
    static ResourceRequirements resources(ResourceRequirements requested) {
        Map<String, Quantity> requests = new LinkedHashMap<>(Map.of("cpu", new Quantity("50m"),
                "memory", new Quantity("192Mi")));
        Map<String, Quantity> limits = new LinkedHashMap<>(Map.of("cpu", new Quantity("1"),
                "memory", new Quantity("384Mi")));
        if (requested != null) {
            if (requested.getRequests() != null) {
                requests.putAll(requested.getRequests());
            }
            Map<String, Quantity> own = requested.getLimits() == null ? Map.of() : requested.getLimits();
            limits.putAll(own);
            requests.forEach((name, request) -> {
                Quantity limit = limits.get(name);
                if (!own.containsKey(name) && limit != null
                        && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
                    limits.put(name, request);
                }
            });
        }
        return new ResourceRequirementsBuilder().withRequests(new TreeMap<>(requests)).withLimits(new TreeMap<>(limits))
                .build();
    }

    static ContainerBuilder container(String name, String image, OperatorConfig config, List<EnvVar> env,
                                      ResourceRequirements resources) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withImagePullPolicy(config.imagePullPolicy())
                .withEnv(env)
                .withResources(resources(resources));
    }

    /**
     * Where the part sends its traces, when the operator has an OTLP endpoint: the standard OpenTelemetry variables,
     * the service named after the part, the demo in the resource attributes. None otherwise.
     */
    static List<EnvVar> tracing(InteractionDemo demo, OperatorConfig config, String service) {
        if (config.otlpEndpoint().isEmpty()) {
            return List.of();
        }
        return List.of(env("OTEL_EXPORTER_OTLP_ENDPOINT", config.otlpEndpoint()),
                env("OTEL_SERVICE_NAME", service),
                env("OTEL_RESOURCE_ATTRIBUTES", "k8s.namespace.name=" + demo.getMetadata().getNamespace()
                        + ",interactiondemo.name=" + demo.getMetadata().getName()));
    }

    static EnvVar env(String name, Object value) {
        return new EnvVar(name, String.valueOf(value), null);
    }
}
