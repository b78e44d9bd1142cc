package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.ArrayList;
import java.util.List;

import static dev.interactiondemo.operator.dependents.PodTemplates.env;

/** The Greeter's Deployment: gRPC on 50051 with native gRPC probes, metrics on 9090. */
public class GreeterDeployment extends DemoDeployment {
    public static final String COMPONENT = "greeter";
    public GreeterDeployment(OperatorConfig config) {
        super(config, COMPONENT);
    }

    @Override
    protected Deployment desired(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        List<EnvVar> env = new ArrayList<>(List.of(
                env("GREETER_PORT", Names.GREETER_PORT),
                env("GREETER_METRICS_PORT", Names.GREETER_METRICS_PORT),
                env("GREETER_RESPONSE_DELAY", s.greeterResponseDelay()),
                // Report NOT_SERVING for a few seconds before closing, while endpoints update.
                env("GREETER_DRAIN_DELAY", "5s"),
                env("GREETER_SHUTDOWN_GRACE", "20s")));
        env.addAll(PodTemplates.tracing(demo, config, "greeter"));
        // A fault is rolled out as configuration; only when switched on, so a demo without faults never restarts.
        if (s.greeterErrorRate() > 0) {
            env.add(env("GREETER_FAULT_ERROR_RATE", s.greeterErrorRate()));
        }
        if (s.greeterUnavailable()) {
            env.add(env("GREETER_FAULT_UNAVAILABLE", true));
        }
        var container = PodTemplates.container(COMPONENT, s.greeterImage(), config, env, s.greeterResources())
                .addNewPort().withName("grpc").withContainerPort(Names.GREETER_PORT).withProtocol("TCP").endPort()
                .addNewPort().withName("metrics").withContainerPort(Names.GREETER_METRICS_PORT).withProtocol("TCP")
                .endPort()
                .withNewReadinessProbe()
                .withNewGrpc().withPort(Names.GREETER_PORT).withService("greet.Greeter").endGrpc()
                .withPeriodSeconds(5).withFailureThreshold(2)
                .endReadinessProbe()
                .withNewLivenessProbe()
                .withNewGrpc().withPort(Names.GREETER_PORT).endGrpc()
                .withPeriodSeconds(10).withFailureThreshold(3)
                .endLivenessProbe()
                .withNewStartupProbe()
                .withNewGrpc().withPort(Names.GREETER_PORT).endGrpc()
                .withPeriodSeconds(2).withFailureThreshold(60)
                .endStartupProbe()
                .build();
        Deployment d = PodTemplates.deployment(demo, Names.greeter(demo), COMPONENT, s.greeterReplicas(), container);
        // Recreate, not a rolling update: a Greeter switched unavailable is never ready, so a rolling update would
        // keep the old, healthy pods serving and the fault would never show.
        d.getSpec().setStrategy(new DeploymentStrategyBuilder().withType("Recreate").build());
        return d;
    }
}
