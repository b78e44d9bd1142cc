package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** What the Greeter, Host and Worker Deployments share: the operator's settings, an informer on their component. */
abstract class DemoDeployment extends CRUDKubernetesDependentResource<Deployment, InteractionDemo> {
    protected final OperatorConfig config;

    DemoDeployment(OperatorConfig config, String component) {
        super(Deployment.class);
        this.config = config;
        configureWith(Informers.forComponent(Deployment.class, component));
    }
}
