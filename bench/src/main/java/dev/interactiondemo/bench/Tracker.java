package dev.interactiondemo.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a namespace (informers, no polling) and notes when each demo is done: it has its four Kubernetes
 * dependents (Greeter Deployment and Service, Host and Worker Deployments) and a written status (observedGeneration =
 * generation, topic ready, message counts present). The Host Deployment comes only once the topic is ready, in
 * every topic management mode.
 */
final class Tracker implements AutoCloseable {
    private static final Pattern PART = Pattern.compile("(.*)-(greeter|host|worker)");
    private final Set<String> deployments = ConcurrentHashMap.newKeySet();
    private final Set<String> services = ConcurrentHashMap.newKeySet();
    private final Set<String> statusDone = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> created = new ConcurrentHashMap<>();
    private final Map<String, Long> done = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    volatile long start;

    Tracker(KubernetesClient client, String ns) {
        informers.add(client.apps().deployments().inNamespace(ns).inform(handler(d -> {
            deployments.add(d.getMetadata().getName());
            check(demoOf(d.getMetadata().getName()));
        })));
        informers.add(client.services().inNamespace(ns).inform(handler(s -> {
            services.add(s.getMetadata().getName());
            check(demoOf(s.getMetadata().getName()));
        })));
        informers.add(client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns).inform(handler(d -> {
            String name = d.getMetadata().getName();
            created.putIfAbsent(name, System.nanoTime());
            if (statusWritten(d)) {
                statusDone.add(name);
            }
            check(name);
        })));
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static boolean statusWritten(GenericKubernetesResource d) {
        Object s = d.getAdditionalProperties().get("status");
        if (!(s instanceof Map<?, ?> status)) {
            return false;
        }
        Object observed = status.get("observedGeneration");
        Object topic = status.get("topic");
        return observed instanceof Number o && d.getMetadata().getGeneration() != null
                && o.longValue() == d.getMetadata().getGeneration()
                && topic instanceof Map<?, ?> t && Boolean.TRUE.equals(t.get("ready"))
                && status.get("messages") != null && status.get("conditions") instanceof List<?> c && !c.isEmpty();
    }

    private static String demoOf(String dependent) {
        Matcher m = PART.matcher(dependent);
        return m.matches() ? m.group(1) : dependent;
    }

    private void check(String demo) {
        if (!done.containsKey(demo) && statusDone.contains(demo) && services.contains(demo + "-greeter")
                && deployments.contains(demo + "-greeter") && deployments.contains(demo + "-host")
                && deployments.contains(demo + "-worker")) {
            done.putIfAbsent(demo, System.nanoTime());
        }
    }

    void awaitAll(int n, Procs.Child op, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done.size() < n) {
            op.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + done.size() + " of " + n + " demos done after "
                        + timeout + "; operator log " + op.log());
            }
            Procs.sleep(10);
        }
    }

    /** Waits until the demo {@code name} is done. */
    void awaitDemo(String name, Procs.Child op, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.containsKey(name)) {
            op.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("demo " + name + " not done after " + timeout + "; operator log "
                        + op.log());
            }
            Procs.sleep(10);
        }
    }

    long last() {
        return done.values().stream().mapToLong(Long::longValue).max().orElse(start);
    }

    /** Per demo: from its creation (as the watch saw it) to done. */
    double percentile(double q) {
        double[] d = done.entrySet().stream()
                .mapToDouble(e -> (e.getValue() - created.getOrDefault(e.getKey(), start)) / 1e9).sorted().toArray();
        return Report.percentile(d, q);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
