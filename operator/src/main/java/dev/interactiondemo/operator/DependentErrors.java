package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.engine.DependentFailure;
import dev.interactiondemo.engine.Observation.Part;
import dev.interactiondemo.operator.dependents.DirectTopic;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.GreeterService;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.HostKafkaCut;
import dev.interactiondemo.operator.dependents.StrimziKafkaTopic;
import dev.interactiondemo.operator.dependents.StrimziKafkaUser;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Why the workflow could not create or update a demo's objects, per part, in the words the status gives: an object of
 * the dependent's name that the demo does not own is {@code NameTaken}; the demo's own object, created a moment ago
 * and not yet in the informer's cache, is no failure at all.
 */
final class DependentErrors {
    private static final Logger LOG = LoggerFactory.getLogger(DependentErrors.class);
    private static final int HTTP_CONFLICT = 409;

    /** The workflow's dependents, to tell which part a failed one is and what its object is called. */
    record Dependents(GreeterDeployment greeterDeployment, GreeterService greeterService,
                      StrimziKafkaTopic kafkaTopic, DirectTopic directTopic, StrimziKafkaUser kafkaUser,
                      HostDeployment hostDeployment, WorkerDeployment workerDeployment, HostKafkaCut hostKafkaCut) {
    }

    private final Dependents dependents;
    private final String strimziApiVersion;

    DependentErrors(Dependents dependents, String strimziApiVersion) {
        this.dependents = dependents;
        this.strimziApiVersion = strimziApiVersion;
    }

    Map<Part, DependentFailure> of(WorkflowReconcileResult result, InteractionDemo demo,
                                   Context<InteractionDemo> context) {
        Map<Part, DependentFailure> errors = new EnumMap<>(Part.class);
        result.getErroredDependents().forEach((dependent, e) -> {
            DependentFailure failure = failure(dependent, e, demo, context.getClient());
            if (failure != null) {
                LOG.warn("{} of {}: {}", part(dependent), Names.key(demo), failure.message());
                errors.put(part(dependent), failure);
            }
        });
        return errors;
    }

    private DependentFailure failure(DependentResource<?, ?> dependent, Exception e, InteractionDemo demo,
                                     KubernetesClient client) {
        KubernetesClientException k = kubernetesCause(e);
        if (k != null && k.getCode() == HTTP_CONFLICT) {
            try {
                Holder holder = holder(dependent, demo, client);
                if (holder.object() != null && holder.ownedBy(demo)) {
                    return null; // the demo's own object, not yet in the informer's cache: the next reconcile sees it
                }
                if (holder.object() != null) {
                    return new DependentFailure(DependentFailure.NAME_TAKEN, holder.kind() + " "
                            + holder.object().getMetadata().getName() + " already exists and does not belong to this "
                            + "InteractionDemo: the operator leaves it untouched. Delete or rename that "
                            + holder.kind() + ", or give the InteractionDemo another name");
                }
            } catch (RuntimeException lookup) {
                LOG.debug("Could not tell who holds the name of {} of {}: {}", part(dependent), Names.key(demo),
                        lookup.toString());
            }
        }
        return new DependentFailure(null, rootMessage(e));
    }

    /** The object of a dependent's name, if one exists, and its kind. */
    private record Holder(String kind, HasMetadata object) {
        boolean ownedBy(InteractionDemo demo) {
            return object.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> demo.getMetadata().getUid().equals(o.getUid()));
        }
    }

    private Holder holder(DependentResource<?, ?> dependent, InteractionDemo demo, KubernetesClient client) {
        String namespace = demo.getMetadata().getNamespace();
        // Read with list (a field selector on the name): the operator may list what it watches, but needs no get.
        if (dependent == dependents.greeterService()) {
            return new Holder("Service", first(client.services().inNamespace(namespace)
                    .withField("metadata.name", Names.greeter(demo)).list().getItems()));
        }
        if (dependent == dependents.hostKafkaCut()) {
            return new Holder("NetworkPolicy", first(client.network().v1().networkPolicies().inNamespace(namespace)
                    .withField("metadata.name", HostKafkaCut.name(demo)).list().getItems()));
        }
        if (dependent == dependents.kafkaUser() || dependent == dependents.kafkaTopic()) {
            String kind = dependent == dependents.kafkaUser() ? "KafkaUser" : "KafkaTopic";
            String name = dependent == dependents.kafkaUser() ? Names.kafkaUser(demo) : Names.kafkaTopicResource(demo);
            return new Holder(kind, first(client.genericKubernetesResources(strimziApiVersion, kind)
                    .inNamespace(namespace).withField("metadata.name", name).list().getItems()));
        }
        String name = dependent == dependents.greeterDeployment() ? Names.greeter(demo)
                : dependent == dependents.hostDeployment() ? Names.host(demo) : Names.worker(demo);
        return new Holder("Deployment", first(client.apps().deployments().inNamespace(namespace)
                .withField("metadata.name", name).list().getItems()));
    }

    private Part part(DependentResource<?, ?> dependent) {
        if (dependent == dependents.greeterDeployment() || dependent == dependents.greeterService()) {
            return Part.GREETER;
        }
        if (dependent == dependents.kafkaTopic() || dependent == dependents.directTopic()) {
            return Part.TOPIC;
        }
        if (dependent == dependents.kafkaUser()) {
            return Part.USER;
        }
        return dependent == dependents.workerDeployment() ? Part.WORKER : Part.HOST;
    }

    private static HasMetadata first(List<? extends HasMetadata> items) {
        return items.isEmpty() ? null : items.get(0);
    }

    private static KubernetesClientException kubernetesCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return k;
            }
        }
        return null;
    }

    /** The innermost cause's message: what actually went wrong. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
