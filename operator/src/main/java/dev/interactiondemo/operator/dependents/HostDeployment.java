package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.interactiondemo.operator.dependents.PodTemplates.env;

/**
 * The notification Host's Deployment: calls the Greeter, publishes to the topic. While the fault {@code kafka.cutHost}
 * is on, its pods carry the annotation {@link #KAFKA_CUT}, so the Host is replaced when the cut starts and when it is
 * lifted: NetworkPolicy enforcers judge a connection by its first packet, and a connection to Kafka made before the
 * cut would otherwise outlive it.
 */
public class HostDeployment extends DemoDeployment {
    public static final String COMPONENT = "host";
    /** The Host pods' annotation while they are cut off from Kafka. */
    public static final String KAFKA_CUT = "interactiondemo.dev/kafka-cut";
    public HostDeployment(OperatorConfig config) {
        super(config, COMPONENT);
    }

    @Override
    protected Deployment desired(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        Deployment d = NotifierContainers.deployment(demo, s, Names.host(demo), COMPONENT, s.hostReplicas(), s.hostImage(),
                config, s.hostResources(), List.of(
                        env("GREETER_TARGET", "dns:///" + Names.greeter(demo) + ":" + Names.GREETER_PORT),
                        env("NOTIFIER_RATE", s.messagesPerSecond()),
                        env("NOTIFIER_CALL_MODE", s.callMode().name()),
                        env("NOTIFIER_MAX_IN_FLIGHT", s.maxInFlight())));
        // Every old Host goes before a new one starts (Recreate's effect, kept as a rolling update so that existing
        // Deployments take the change): a Host cut off from Kafka is never ready, so a surging rolling update would
        // keep the old Host, and its connections to Kafka, running beside it.
        d.getSpec().setStrategy(new DeploymentStrategyBuilder().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString(0)).withMaxUnavailable(new IntOrString("100%")).endRollingUpdate()
                .build());
        if (HostCutOn.on(demo)) {
            var template = d.getSpec().getTemplate().getMetadata();
            Map<String, String> annotations = template.getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(template.getAnnotations());
            annotations.put(KAFKA_CUT, "true");
            template.setAnnotations(annotations);
        }
        return d;
    }
}
