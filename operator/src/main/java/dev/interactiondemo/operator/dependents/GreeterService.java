package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The Greeter's Service: the address the Host calls ({@code <name>-greeter:50051}) and its metrics port. */
public class GreeterService extends CRUDKubernetesDependentResource<Service, InteractionDemo> {

    public GreeterService() {
        super(Service.class);
        configureWith(Informers.forComponent(Service.class, GreeterDeployment.COMPONENT));
    }

    @Override
    protected Service desired(InteractionDemo demo, Context<InteractionDemo> context) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(Names.greeter(demo)).withNamespace(demo.getMetadata().getNamespace())
                .withLabels(Labels.of(demo, GreeterDeployment.COMPONENT))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.selector(demo, GreeterDeployment.COMPONENT))
                .addNewPort().withName("grpc").withPort(Names.GREETER_PORT).withNewTargetPort("grpc")
                .withAppProtocol("grpc").withProtocol("TCP").endPort()
                .addNewPort().withName("metrics").withPort(Names.GREETER_METRICS_PORT).withNewTargetPort("metrics")
                .withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }
}
