package dev.interactiondemo.bench;

import dev.interactiondemo.kafka.TopicAdmin;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The API server's floor for an operator case: the same fabric8 client and {@link OperatorRig#CLIENT_THREADS}
 * threads create, per demo, what the operator created for it (copied from the operator's run, owner references
 * re-pointed), in the operator's order: the InteractionDemo, the Greeter and Worker Deployments, the Greeter Service,
 * the topic (through the Admin API in Direct mode; in Strimzi mode the KafkaTopic, whose topic nobody then creates:
 * that is the Topic Operator's work, not the API server's), the Host Deployment, the status. Each demo's objects in
 * order, the demos in parallel.
 */
final class DirectClientFloor {
    private DirectClientFloor() {
    }

    /**
     * What the operator made in a namespace, by demo name: the InteractionDemos (with their status) and each demo's
     * dependents, keyed by name, Services with a "-svc" suffix to tell them from the Deployment of that name, the
     * KafkaTopic as {@code <demo>-kafkatopic}.
     */
    record OperatorObjects(Map<String, GenericKubernetesResource> demos,
                           Map<String, Map<String, HasMetadata>> dependents) {
        static OperatorObjects read(KubernetesClient client, String ns) {
            Map<String, GenericKubernetesResource> demos = new LinkedHashMap<>();
            Map<String, Map<String, HasMetadata>> dependents = new LinkedHashMap<>();
            for (GenericKubernetesResource d : client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns)
                    .list().getItems()) {
                demos.put(d.getMetadata().getName(), d);
            }
            for (Deployment d : client.apps().deployments().inNamespace(ns).list().getItems()) {
                dependents.computeIfAbsent(owner(d), k -> new LinkedHashMap<>()).put(d.getMetadata().getName(), d);
            }
            for (Service s : client.services().inNamespace(ns).list().getItems()) {
                dependents.computeIfAbsent(owner(s), k -> new LinkedHashMap<>())
                        .put(s.getMetadata().getName() + "-svc", s);
            }
            for (GenericKubernetesResource t : client.genericKubernetesResources(OperatorRig.KAFKA_TOPIC)
                    .inNamespace(ns).list().getItems()) {
                dependents.computeIfAbsent(owner(t), k -> new LinkedHashMap<>()).put(owner(t) + "-kafkatopic", t);
            }
            return new OperatorObjects(demos, dependents);
        }

        /** The demo a dependent belongs to (its first owner reference). */
        private static String owner(HasMetadata o) {
            return o.getMetadata().getOwnerReferences().isEmpty() ? "?"
                    : o.getMetadata().getOwnerReferences().get(0).getName();
        }
    }

    /**
     * @param seconds     from the first request to the last answer
     * @param machineIdle the machine's idle share meanwhile
     * @param requests    the API server's requests meanwhile ({@link OperatorRig#requestsBetween})
     */
    record Result(double seconds, double machineIdle, Map<String, Object> requests) {
    }

    /**
     * Creates, in the fresh namespace {@code ns}, demos 0..n-1 as {@code demo(ns, i)} writes them (named
     * {@link OperatorRig#demoName}), and what {@code made} holds for the demo of the same name.
     */
    static Result run(OperatorRig rig, String ns, int n, BiFunction<String, Integer, GenericKubernetesResource> demo,
                      OperatorObjects made) {
        rig.namespace(ns);
        KubernetesClient client = rig.client();
        Map<String, Double> requestsBefore = rig.apiRequests();
        Cpu.Machine machine = Cpu.Machine.now();
        long t0 = System.nanoTime();
        OperatorRig.parallel(n, i -> {
            String name = OperatorRig.demoName(i);
            GenericKubernetesResource created = client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns)
                    .resource(demo.apply(ns, i)).create();
            Map<String, HasMetadata> deps = made.dependents().getOrDefault(name, Map.of());
            for (String part : List.of("-greeter", "-worker")) {
                create(client, ns, deps.get(name + part), created);
            }
            create(client, ns, deps.get(name + "-greeter-svc"), created);
            HasMetadata kafkaTopic = deps.get(name + "-kafkatopic");
            if (kafkaTopic != null) {
                create(client, ns, kafkaTopic, created);
            } else {
                createTopic(rig.broker(), OperatorRig.topicOf(created));
            }
            create(client, ns, deps.get(name + "-host"), created);
            GenericKubernetesResource byOperator = made.demos().get(name);
            Object status = byOperator == null ? null : byOperator.getAdditionalProperties().get("status");
            if (status != null) {
                created.getAdditionalProperties().put("status", status);
                // A merge patch without a resourceVersion: the API server then does not lock optimistically, so the
                // demo changed meanwhile (its finalizer, say) gets the status rather than a 409 Conflict.
                created.getMetadata().setResourceVersion(null);
                client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns).resource(created).patchStatus();
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(seconds, Cpu.Machine.now().idleSince(machine),
                OperatorRig.requestsBetween(requestsBefore, rig.apiRequests()));
    }

    private static void createTopic(BenchBroker broker, String topic) {
        try {
            TopicAdmin.createOrFind(broker.admin, topic, 1, (short) 1, BenchBroker.TOPIC_TIMEOUT);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    /** Creates a copy of {@code template} in {@code ns}, owned by {@code owner}, without what the server set. */
    private static void create(KubernetesClient client, String ns, HasMetadata template,
                               GenericKubernetesResource owner) {
        if (template == null) {
            throw new IllegalStateException("the operator run left no template for a dependent of "
                    + owner.getMetadata().getName());
        }
        HasMetadata copy = Serialization.clone(template);
        copy.getMetadata().setNamespace(ns);
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setUid(null);
        copy.getMetadata().setCreationTimestamp(null);
        copy.getMetadata().setManagedFields(null);
        copy.getMetadata().setGeneration(null);
        copy.getMetadata().setOwnerReferences(List.of(new OwnerReference(owner.getApiVersion(), true, true,
                owner.getKind(), owner.getMetadata().getName(), owner.getMetadata().getUid())));
        if (copy instanceof Deployment d) {
            d.setStatus(null);
        } else if (copy instanceof Service s) {
            s.setStatus(null);
            s.getSpec().setClusterIP(null);
            s.getSpec().setClusterIPs(null);
        } else if (copy instanceof GenericKubernetesResource g && "KafkaTopic".equals(g.getKind())) {
            g.getAdditionalProperties().remove("status");
            client.genericKubernetesResources(OperatorRig.KAFKA_TOPIC).inNamespace(ns).resource(g).create();
            return;
        }
        client.resource(copy).inNamespace(ns).create();
    }
}
