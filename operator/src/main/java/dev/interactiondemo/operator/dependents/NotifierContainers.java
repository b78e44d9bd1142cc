package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.ArrayList;
import java.util.List;

/**
 * The notifier's Deployment, either role: its container (HTTP port 8080 with /readyz and /healthz probes) with the
 * demo's Kafka security mounted ({@link KafkaClientMounts}).
 */
final class NotifierContainers {
    private NotifierContainers() {
    }

    /**
     * A Deployment of the notifier in {@code role}: what every role has (the role, Kafka's address, the topic, tracing,
     * the demo's Kafka security), then the role's own {@code env}.
     */
    static Deployment deployment(InteractionDemo demo, DemoSettings s, String name, String role, int replicas,
                                 String image, OperatorConfig config, ResourceRequirements resources,
                                 List<EnvVar> env) {
        KafkaClientMounts kafka = KafkaClientMounts.of(DemoKafkaAccess.of(demo));
        List<EnvVar> all = new ArrayList<>(List.of(
                PodTemplates.env("NOTIFIER_ROLE", role),
                PodTemplates.env("KAFKA_BOOTSTRAP_SERVERS", s.bootstrapServers()),
                PodTemplates.env("NOTIFIER_TOPIC", s.topic())));
        all.addAll(env);
        all.addAll(PodTemplates.tracing(demo, config, "notifier-" + role));
        all.addAll(kafka.variables());
        return PodTemplates.deployment(demo, name, role, replicas, of(role, image, config, resources, all,
                kafka.mounts()), kafka.volumes());
    }

    private static Container of(String role, String image, OperatorConfig config, ResourceRequirements resources,
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
