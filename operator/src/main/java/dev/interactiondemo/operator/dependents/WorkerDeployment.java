package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.ArrayList;
import java.util.List;

import static dev.interactiondemo.operator.dependents.PodTemplates.env;

/** The notification Worker's Deployment: consumes the topic in its group. 0 replicas is allowed. */
public class WorkerDeployment extends DemoDeployment {
    public static final String COMPONENT = "worker";
    public WorkerDeployment(OperatorConfig config) {
        super(config, COMPONENT);
    }

    @Override
    protected Deployment desired(InteractionDemo demo, Context<InteractionDemo> context) {
        DemoSettings s = DemoSettings.of(demo, config);
        List<EnvVar> env = new ArrayList<>(List.of(
                env("NOTIFIER_GROUP_ID", s.groupId()),
                env("NOTIFIER_PROCESSING_DELAY", s.processingDelay())));
        if (s.failBeforeCommit() > 0) {
            env.add(env("NOTIFIER_FAULT_FAIL_BEFORE_COMMIT", s.failBeforeCommit()));
        }
        return NotifierContainers.deployment(demo, s, Names.worker(demo), COMPONENT, s.workerReplicas(),
                s.workerImage(), config, s.workerResources(), env);
    }
}
