package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.greeter.GreeterConfig;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.notifier.DeliveryAudit;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Deployment controller and the kubelet for the demos of one namespace: each Deployment's pods run as the
 * real programs (the Greeter, the Host, the Workers) in the test JVM, configured from the containers' environment as
 * the images' programs read it, and are reported as Pods and in the Deployment's status. A changed pod template
 * replaces the pods, as a rollout would; the Host reaches its Greeter, and the operator the pods' /metrics, on the
 * loopback interface. It also plays a network plugin that enforces the Host's cut from Kafka: a Host pod started
 * while the NetworkPolicy {@code <demo>-host-kafka-cut} exists cannot reach Kafka (its bootstrap address refuses
 * connections), as an enforcer judges a new connection under the policy in force; a pod already running keeps its
 * connections, as there.
 */
final class LocalKubelet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
    private static final String COMPONENT = "app.kubernetes.io/component";
    private static final String INSTANCE = "app.kubernetes.io/instance";

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<RunningPod>> pods = new HashMap<>(); // per Deployment; loop thread only
    private final Map<String, String> templates = new HashMap<>(); // per Deployment, the template its pods run
    private final Map<String, Integer> greeterPorts = new ConcurrentHashMap<>(); // per demo, kept over restarts
    private final Map<String, Integer> metricsPorts = new ConcurrentHashMap<>(); // per pod name
    private final AtomicInteger podNumbers = new AtomicInteger();

    /** A pod's program and its /metrics. */
    private record RunningPod(String name, AutoCloseable program, HttpEndpoints http) {
        void stop() {
            try {
                program.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", name, e.toString());
            }
            http.close();
        }
    }

    LocalKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        loop.scheduleWithFixedDelay(this::syncSafely, 0, 300, TimeUnit.MILLISECONDS);
    }

    /** Where the operator finds a demo's Greeter (its GreeterHealth target). */
    String greeterEndpoint(InteractionDemo demo) {
        return "localhost:" + greeterPort(demo.getMetadata().getName());
    }

    /** Where the operator finds a pod's /metrics. */
    URI metrics(Pod pod) {
        Integer port = metricsPorts.get(pod.getMetadata().getName());
        return URI.create("http://localhost:" + (port == null ? 1 : port) + "/metrics");
    }

    private int greeterPort(String demo) {
        return greeterPorts.computeIfAbsent(demo, d -> {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void syncSafely() {
        try {
            sync();
        } catch (KubernetesClientException e) {
            LOG.debug("local kubelet: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("local kubelet", e);
        }
    }

    private void sync() {
        Map<String, Deployment> deployments = new HashMap<>();
        client.apps().deployments().inNamespace(namespace).list().getItems()
                .forEach(d -> deployments.put(d.getMetadata().getName(), d));
        for (String gone : new ArrayList<>(pods.keySet())) {
            if (!deployments.containsKey(gone)) {
                scale(gone, null, 0);
                pods.remove(gone);
                templates.remove(gone);
            }
        }
        for (Deployment d : deployments.values()) {
            String name = d.getMetadata().getName();
            String template = d.getSpec().getTemplate().toString();
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            if (!template.equals(templates.get(name))) {
                scale(name, d, 0); // a rollout: the old pods go, new ones come
                templates.put(name, template);
            }
            scale(name, d, replicas);
            int running = pods.getOrDefault(name, List.of()).size();
            var status = d.getStatus();
            if (status == null || !Integer.valueOf(running).equals(status.getReadyReplicas() == null ? 0
                    : status.getReadyReplicas()) || !Integer.valueOf(running).equals(status.getReplicas())
                    || !java.util.Objects.equals(status.getObservedGeneration(), d.getMetadata().getGeneration())) {
                client.apps().deployments().inNamespace(namespace).withName(name).editStatus(x -> {
                    x.setStatus(new DeploymentStatusBuilder().withReplicas(running).withReadyReplicas(running)
                            .withAvailableReplicas(running).withUpdatedReplicas(running)
                            .withObservedGeneration(x.getMetadata().getGeneration()).build());
                    return x;
                });
            }
        }
    }

    private void scale(String name, Deployment d, int replicas) {
        List<RunningPod> running = pods.computeIfAbsent(name, n -> new ArrayList<>());
        while (running.size() > replicas) {
            RunningPod p = running.remove(running.size() - 1);
            p.stop();
            metricsPorts.remove(p.name());
            client.pods().inNamespace(namespace).withName(p.name()).delete();
        }
        while (running.size() < replicas && d != null && !cutPending(d)) {
            running.add(start(d));
        }
    }

    private boolean cut(String demo) {
        return client.network().v1().networkPolicies().inNamespace(namespace).withName(demo + "-host-kafka-cut")
                .get() != null;
    }

    /**
     * Whether a Host pod is to start cut off but its policy is not there yet: it waits for it (on a cluster the
     * enforcer applies the policy long before a new JVM's first connection).
     */
    private boolean cutPending(Deployment d) {
        var template = d.getSpec().getTemplate().getMetadata();
        boolean cutOn = template.getAnnotations() != null
                && "true".equals(template.getAnnotations().get("interactiondemo.dev/kafka-cut"));
        return cutOn && !cut(template.getLabels().get(INSTANCE));
    }

    private RunningPod start(Deployment d) {
        var labels = d.getSpec().getTemplate().getMetadata().getLabels();
        String component = labels.get(COMPONENT);
        String demo = labels.get(INSTANCE);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null && !e.getName().startsWith("OTEL_")) {
                env.put(e.getName(), e.getValue());
            }
        }
        if ("host".equals(component) && cut(demo)) {
            env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:1");
        }
        String podName = d.getMetadata().getName() + "-" + podNumbers.incrementAndGet();
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        AutoCloseable program;
        HttpEndpoints http;
        if ("greeter".equals(component)) {
            env.put("GREETER_PORT", String.valueOf(greeterPort(demo)));
            GreeterConfig config = GreeterConfig.from(new String[0], env);
            GreeterServer server = GreeterServer.start(config.port(), "port", new GreeterImpl(config.maxNameLength(),
                    config.responseDelay(), config.faults()), registry);
            program = server;
            http = HttpEndpoints.start(0, "metrics port", registry, server::notServingReason);
        } else {
            env.put("NOTIFIER_HTTP_PORT", "0");
            env.put("GREETER_TARGET", "localhost:" + greeterPort(demo));
            NotifierConfig config = NotifierConfig.from(new String[0], env);
            if (config.role() == NotifierConfig.Role.HOST) {
                NotificationHost host = new NotificationHost(config, registry).start();
                program = host;
                http = HttpEndpoints.start(0, "http port", registry, host::notReadyReason);
            } else {
                NotificationWorker worker = new NotificationWorker(config, registry, new DeliveryAudit(),
                        config.worker().faults(), OpenTelemetry.noop()).start();
                program = worker;
                http = HttpEndpoints.start(0, "http port", registry, worker::notReadyReason);
            }
        }
        metricsPorts.put(podName, http.port());
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(podName)
                .withLabels(labels).endMetadata().withSpec(d.getSpec().getTemplate().getSpec()).build()).create();
        client.pods().inNamespace(namespace).withName(podName).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").addNewCondition()
                    .withType("Ready").withStatus("True").endCondition().build());
            return p;
        });
        LOG.info("local kubelet: {} runs ({})", podName, component);
        return new RunningPod(podName, program, http);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pods.values().forEach(list -> list.forEach(RunningPod::stop));
        pods.clear();
    }

    /** The pods running now, by Deployment (for a test's messages). */
    Map<String, Integer> running() {
        Map<String, Integer> m = new HashMap<>();
        pods.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }

    Optional<Integer> metricsPort(String pod) {
        return Optional.ofNullable(metricsPorts.get(pod));
    }
}
