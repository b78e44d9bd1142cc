package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.List;

import static dev.interactiondemo.operator.dependents.PodTemplates.env;

/** The notification Host's Deployment: calls the Greeter, publishes to the topic. */
public class HostDeployment extends DemoDeployment {
    public static final String COMPONENT = "host";
    public HostDeployment(OperatorConfig config) {
        super(config, COMPONENT);
    }

    @Override
    protected Deployment desired(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        return NotifierContainers.deployment(demo, s, Names.host(demo), COMPONENT, s.hostReplicas(), s.hostImage(),
                config, s.hostResources(), List.of(
                        env("GREETER_TARGET", "dns:///" + Names.greeter(demo) + ":" + Names.GREETER_PORT),
                        env("NOTIFIER_RATE", s.messagesPerSecond()),
                        env("NOTIFIER_CALL_MODE", s.callMode().name()),
                        env("NOTIFIER_MAX_IN_FLIGHT", s.maxInFlight())));
    }
}
