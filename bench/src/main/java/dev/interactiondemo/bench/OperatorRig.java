package dev.interactiondemo.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * What the operator section's cases share (built by {@link OperatorBench}): the API server's client, the Kafka broker,
 * the one real Greeter; how a case starts an operator process, makes a namespace, writes an InteractionDemo, creates
 * objects from 16 client threads, and counts the API server's requests.
 *
 * @param kubeconfig  the API server's kubeconfig, for the operator processes
 * @param greeterPort the port of the Greeter every demo's health checks go to ({@link OperatorLauncher})
 */
record OperatorRig(BenchContext ctx, KubernetesClient client, BenchBroker broker, Path kubeconfig, int greeterPort) {
    static final ResourceDefinitionContext IDEMO = new ResourceDefinitionContext.Builder()
            .withGroup("interactiondemo.dev").withVersion("v1alpha1").withKind("InteractionDemo")
            .withPlural("interactiondemos").withNamespaced(true).build();
    /** Strimzi's KafkaTopic in the apiVersion the operator uses by default (STRIMZI_API_VERSION). */
    static final ResourceDefinitionContext KAFKA_TOPIC = new ResourceDefinitionContext.Builder()
            .withGroup("kafka.strimzi.io").withVersion("v1").withKind("KafkaTopic").withPlural("kafkatopics")
            .withNamespaced(true).build();
    /** Client threads creating objects, for the operator runs and the floors alike. */
    static final int CLIENT_THREADS = 16;

    /** The name of the i-th demo of a case (the floors look the operator's objects up by it). */
    static String demoName(int i) {
        return "demo-" + i;
    }

    void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .serverSideApply();
    }

    /** A Direct-mode demo on the bench's broker, 1 partition, its topic named {@code <ns>-<name>}. */
    GenericKubernetesResource demo(String ns, String name) {
        return demo(ns, name, broker.bootstrap);
    }

    /** A Direct-mode demo whose Kafka is {@code bootstrap}, 1 partition, its topic named {@code <ns>-<name>}. */
    GenericKubernetesResource demo(String ns, String name, String bootstrap) {
        return demoWith(ns, name, """
                    bootstrapServers: %s
                    topic:
                      name: %s-%s
                      management: Direct
                      partitions: 1
                """.formatted(bootstrap, ns, name));
    }

    /**
     * A Strimzi-mode demo: the operator makes a KafkaTopic labelled {@code strimzi.io/cluster: <cluster>} for a Topic
     * Operator, and reads the counts from the bench's broker ({@code bootstrapServers} overrides the address
     * {@code clusterName} would give); 1 partition, its topic named {@code <ns>-<name>}.
     */
    GenericKubernetesResource strimziDemo(String ns, String name, String cluster) {
        return demoWith(ns, name, """
                    clusterName: %s
                    bootstrapServers: %s
                    topic:
                      name: %s-%s
                      management: Strimzi
                      partitions: 1
                """.formatted(cluster, broker.bootstrap, ns, name));
    }

    private static GenericKubernetesResource demoWith(String ns, String name, String kafka) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  kafka:
                %s""".formatted(name, ns, kafka), GenericKubernetesResource.class);
    }

    /** The Kafka topic a demo made by this class names. */
    @SuppressWarnings("unchecked")
    static String topicOf(GenericKubernetesResource demo) {
        Map<String, Object> spec = (Map<String, Object>) demo.getAdditionalProperties().get("spec");
        Map<String, Object> kafka = (Map<String, Object>) spec.get("kafka");
        return (String) ((Map<String, Object>) kafka.get("topic")).get("name");
    }

    /**
     * Starts the operator as {@code OperatorMain} runs it, watching {@code namespace}, with the bench's settings and
     * {@code env} on top (e.g. STATUS_INTERVAL).
     */
    Procs.Child startOperator(String name, String namespace, int httpPort, boolean profile, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java()));
        cmd.addAll(ctx.operatorJavaOptions());
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        if (profile) {
            cmd.add(ctx.jfrOption(name));
        }
        if (ctx.jfr()) {
            cmd.add("-XX:NativeMemoryTracking=summary"); // what the RSS is made of: jcmd VM.native_memory
        }
        cmd.addAll(List.of("-cp", ctx.classPath(), OperatorLauncher.class.getName()));
        Map<String, String> environment = new HashMap<>(Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "WATCH_NAMESPACES", namespace,
                "OPERATOR_HTTP_PORT", Integer.toString(httpPort),
                "BENCH_GREETER_PORT", Integer.toString(greeterPort),
                "GREETER_IMAGE", "example.org/greeter:bench",
                "NOTIFIER_IMAGE", "example.org/notifier:bench",
                "LOG_FORMAT", "text"));
        environment.putAll(ctx.operatorEnvironment()); // as in the chart's Deployment
        environment.putAll(env);
        return Procs.start(name, cmd, null, ctx.logs(), environment);
    }

    /** Waits for the operator's /readyz (at most 2 minutes), failing early if it exits. */
    static void awaitReady(Procs.Child op, int http) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (Prom.status(http, "/readyz") != 200) {
            op.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the operator is not ready after 2 min; log " + op.log());
            }
            Procs.sleep(20);
        }
    }

    /** Runs {@code task(0..n-1)} on {@link #CLIENT_THREADS} threads and waits for all of them. */
    static void parallel(int n, IntConsumer task) {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> task.accept(k)));
            }
            for (Future<?> f : futures) {
                f.get(15, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating objects failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The API server's request counters (apiserver_request_total), by "VERB resource[/subresource]", without WATCH
     * and CONNECT (long-running: counted when they start, not by their work).
     */
    Map<String, Double> apiRequests() {
        Map<String, Double> out = new TreeMap<>();
        for (Prom.Sample s : Prom.parse(client.raw("/metrics"))) {
            if (s.name().equals("apiserver_request_total")) {
                String verb = Prom.label(s.labels(), "verb");
                if (verb.equals("WATCH") || verb.equals("CONNECT")) {
                    continue;
                }
                String sub = Prom.label(s.labels(), "subresource");
                out.merge(verb + " " + Prom.label(s.labels(), "resource") + (sub.isEmpty() ? "" : "/" + sub),
                        s.value(), Double::sum);
            }
        }
        return out;
    }

    /**
     * The API server's request counters for one resource, every verb (WATCH included: one per watch started, e.g. an
     * informer starting), by "VERB resource[/subresource] code" (the HTTP status code).
     */
    Map<String, Double> apiRequestsByCode(String resource) {
        Map<String, Double> out = new TreeMap<>();
        for (Prom.Sample s : Prom.parse(client.raw("/metrics"))) {
            if (s.name().equals("apiserver_request_total") && Prom.label(s.labels(), "resource").equals(resource)) {
                String sub = Prom.label(s.labels(), "subresource");
                out.merge(Prom.label(s.labels(), "verb") + " " + resource + (sub.isEmpty() ? "" : "/" + sub) + " "
                        + Prom.label(s.labels(), "code"), s.value(), Double::sum);
            }
        }
        return out;
    }

    /** The counts that grew between two readings (of {@link #apiRequests()} or {@link #apiRequestsByCode}). */
    static Map<String, Object> difference(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Object> out = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            long d = Math.round(v - before.getOrDefault(k, 0.0));
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    /**
     * What was requested between two readings of {@link #apiRequests()}, by "VERB resource", and their "total":
     * only the demos' kinds (InteractionDemos, Deployments, Services, Events, KafkaTopics), not the namespaces,
     * leases, discovery and the like nobody here made.
     */
    static Map<String, Object> requestsBetween(Map<String, Double> before, Map<String, Double> after) {
        return only(difference(before, after), r -> r.contains("interactiondemos") || r.contains("deployments")
                || r.contains("services") || r.contains("events") || r.contains("kafkatopics"));
    }

    /** The requests of {@code requests} (as {@link #requestsBetween} counts them) whose "VERB resource" matches. */
    static Map<String, Object> only(Map<String, Object> requests, Predicate<String> kind) {
        Map<String, Object> out = new LinkedHashMap<>();
        requests.forEach((k, v) -> {
            if (!k.equals("total") && kind.test(k)) {
                out.put(k, v);
            }
        });
        return withTotal(out);
    }

    /** The total of a map of requests (0 when it has none). */
    static long total(Map<String, Object> requests) {
        return ((Number) requests.getOrDefault("total", 0L)).longValue();
    }

    private static Map<String, Object> withTotal(Map<String, Object> counts) {
        long total = counts.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        counts.put("total", total);
        return counts;
    }
}
