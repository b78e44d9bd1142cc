package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The fault {@code kafka.cutHost}: a NetworkPolicy that lets the Host's pods reach only DNS and the Greeter, so
 * the Host is cut off from Kafka while the Greeter keeps answering. It exists only while the fault is on (removing
 * the fault deletes it). Enforced where the cluster's network plugin enforces NetworkPolicies.
 */
public class HostKafkaCut extends CRUDKubernetesDependentResource<NetworkPolicy, InteractionDemo> {
    public static final String COMPONENT = "host-kafka-cut";

    public HostKafkaCut() {
        super(NetworkPolicy.class);
        configureWith(Informers.forComponent(NetworkPolicy.class, COMPONENT));
    }

    public static String name(InteractionDemo demo) {
        return Names.host(demo) + "-kafka-cut";
    }

    @Override
    protected NetworkPolicy desired(InteractionDemo demo, Context<InteractionDemo> context) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(name(demo)).withNamespace(demo.getMetadata().getNamespace())
                .withLabels(Labels.of(demo, COMPONENT))
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(Labels.selector(demo, HostDeployment.COMPONENT)).endPodSelector()
                .withPolicyTypes("Egress")
                .addNewEgress()
                .addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort()
                .addNewPort().withProtocol("TCP").withPort(new IntOrString(53)).endPort()
                .endEgress()
                .addNewEgress()
                .addNewTo().withNewPodSelector().withMatchLabels(Labels.selector(demo, GreeterDeployment.COMPONENT))
                .endPodSelector().endTo()
                .addNewPort().withProtocol("TCP").withPort(new IntOrString(Names.GREETER_PORT)).endPort()
                .endEgress()
                .endSpec()
                .build();
    }
}
