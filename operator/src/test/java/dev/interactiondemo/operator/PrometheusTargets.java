package dev.interactiondemo.operator;

import dev.interactiondemo.api.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Prometheus would store from the demo's and the operator's scrapes, configured by the chart's PodMonitor and
 * ServiceMonitor: the targets the monitors select (checked against what the operator creates), the labels Prometheus
 * gives them, their relabelings, and the series that result. Also reads the rendered monitors (monitoring.coreos.com
 * objects, kept as generic resources).
 */
final class PrometheusTargets {
    private PrometheusTargets() {
    }

    /** One series as Prometheus stores it: its labels, {@code __name__} included, and where it was scraped. */
    record Series(String source, Map<String, String> labels) {
        String name() {
            return labels.get("__name__");
        }
    }

    /**
     * The series Prometheus stores from the scrapes when configured by the chart's PodMonitor and ServiceMonitor,
     * as the Prometheus Operator turns them into scrape configurations: each target gets the labels namespace,
     * container, pod, endpoint (the port's name), job and instance (and service, for a ServiceMonitor), then the
     * endpoint's relabelings apply; a scraped label that a target label also names is renamed exported_&lt;name&gt;,
     * unless honorLabels. Fails when a monitor does not select what the operator creates.
     *
     * @param namespace   the demo's namespace
     * @param deployments the demo's Deployments, as the operator created them, by component (greeter, host, worker)
     * @param scrapes     the scrapes, by component: operator, greeter, host, worker
     */
    static List<Series> store(List<HasMetadata> chart, String namespace, Map<String, Deployment> deployments,
                              Map<String, Scrape> scrapes) {
        List<Series> stored = new ArrayList<>();
        GenericKubernetesResource serviceMonitor = one(chart, "ServiceMonitor");
        Map<String, Object> smEndpoint = only(endpoints(serviceMonitor, "endpoints"), "the ServiceMonitor's endpoint");
        Service service = Helm.ofKind(chart, Service.class).stream()
                .filter(s -> selects(map(serviceMonitor, "spec", "selector"), s.getMetadata().getLabels()))
                .reduce((a, b) -> {
                    throw new AssertionError("the ServiceMonitor selects several Services");
                }).orElseThrow(() -> new AssertionError("the ServiceMonitor selects no Service of the chart"));
        assertTrue(inNamespaces(map(serviceMonitor, "spec", "namespaceSelector"), service.getMetadata().getNamespace()),
                "the ServiceMonitor looks in the Service's namespace");
        ServicePort servicePort = service.getSpec().getPorts().stream()
                .filter(p -> p.getName().equals(smEndpoint.get("port"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Service port named " + smEndpoint.get("port")));
        Deployment operatorDeployment = Helm.deployment(chart);
        assertTrue(selects(Map.<String, Object>of("matchLabels", service.getSpec().getSelector()),
                operatorDeployment.getSpec().getTemplate().getMetadata().getLabels()),
                "the Service selects the operator");
        Container operatorContainer = operatorDeployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(operatorContainer.getPorts().stream().anyMatch(p -> p.getName()
                .equals(servicePort.getTargetPort().getStrVal())), "the Service's targetPort is a container port");
        assertEquals("/metrics", smEndpoint.get("path"));
        Map<String, String> operatorTarget = new LinkedHashMap<>();
        operatorTarget.put("namespace", service.getMetadata().getNamespace());
        operatorTarget.put("service", service.getMetadata().getName());
        operatorTarget.put("pod", operatorDeployment.getMetadata().getName() + "-6d4b9c7f5-x2x7q");
        operatorTarget.put("container", operatorContainer.getName());
        operatorTarget.put("endpoint", servicePort.getName());
        operatorTarget.put("job", service.getMetadata().getName());
        operatorTarget.put("instance", "10.244.0.10:" + servicePort.getPort());
        stored.addAll(series("operator", scrapes.get("operator"), operatorTarget,
                Boolean.TRUE.equals(smEndpoint.get("honorLabels"))));

        GenericKubernetesResource podMonitor = one(chart, "PodMonitor");
        Map<String, Integer> metricsPorts = Map.of("greeter", Names.GREETER_METRICS_PORT,
                "host", Names.NOTIFIER_HTTP_PORT, "worker", Names.NOTIFIER_HTTP_PORT);
        assertTrue(inNamespaces(map(podMonitor, "spec", "namespaceSelector"), namespace),
                "the PodMonitor looks in " + namespace);
        for (var e : deployments.entrySet()) {
            String component = e.getKey();
            var template = e.getValue().getSpec().getTemplate();
            Map<String, String> podLabels = template.getMetadata().getLabels();
            assertTrue(selects(map(podMonitor, "spec", "selector"), podLabels), "the PodMonitor selects the "
                    + component + "'s pods " + podLabels);
            Container container = template.getSpec().getContainers().get(0);
            List<Map<String, Object>> targets = endpoints(podMonitor, "podMetricsEndpoints").stream()
                    .filter(ep -> container.getPorts().stream().anyMatch(p -> p.getName().equals(ep.get("port"))))
                    .toList();
            Map<String, Object> endpoint = only(targets, "one endpoint of the PodMonitor for the " + component
                    + "'s ports " + container.getPorts().stream().map(ContainerPort::getName).toList());
            ContainerPort port = container.getPorts().stream().filter(p -> p.getName().equals(endpoint.get("port")))
                    .findFirst().orElseThrow();
            assertEquals(metricsPorts.get(component), port.getContainerPort(),
                    component + ": the port serving /metrics");
            assertEquals("/metrics", endpoint.get("path"));
            String pod = e.getValue().getMetadata().getName() + "-5f7d8b9c4-k2m4n";
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("__meta_kubernetes_namespace", namespace);
            meta.put("__meta_kubernetes_pod_name", pod);
            meta.put("__meta_kubernetes_pod_container_name", container.getName());
            meta.put("__meta_kubernetes_pod_container_port_name", port.getName());
            podLabels.forEach((k, v) ->
                    meta.put("__meta_kubernetes_pod_label_" + k.replaceAll("[^a-zA-Z0-9_]", "_"), v));
            Map<String, String> target = new LinkedHashMap<>();
            target.put("namespace", namespace);
            target.put("container", container.getName());
            target.put("pod", pod);
            target.put("endpoint", port.getName());
            target.put("job", podMonitor.getMetadata().getNamespace() + "/" + podMonitor.getMetadata().getName());
            target.put("instance", "10.244.1.20:" + port.getContainerPort());
            relabel(meta, target, list(endpoint.get("relabelings")));
            stored.addAll(series(component, scrapes.get(component), target,
                    Boolean.TRUE.equals(endpoint.get("honorLabels"))));
        }
        return stored;
    }

    /** Prometheus' relabeling of a target (the replace action, the only one the chart uses). */
    private static void relabel(Map<String, String> meta, Map<String, String> target, List<Map<String, Object>> rules) {
        for (Map<String, Object> rule : rules) {
            String action = String.valueOf(rule.getOrDefault("action", "replace")).toLowerCase();
            assertEquals("replace", action, "the test models the replace action only: " + rule);
            List<String> values = new ArrayList<>();
            for (Object source : list(rule.get("sourceLabels"))) {
                Map<String, String> all = new HashMap<>(meta);
                all.putAll(target);
                assertTrue(all.containsKey((String) source)
                        || ((String) source).startsWith("__meta_kubernetes_pod_label_"),
                        "a source label Prometheus knows: " + source);
                values.add(all.getOrDefault((String) source, ""));
            }
            String value = String.join(String.valueOf(rule.getOrDefault("separator", ";")), values);
            Matcher m = Pattern.compile("^(?:" + rule.getOrDefault("regex", "(.*)") + ")$").matcher(value);
            if (m.matches()) {
                String replacement = String.valueOf(rule.getOrDefault("replacement", "$1"))
                        .replaceAll("\\$\\{(\\d+)}", "\\$$1");
                String result = m.replaceFirst(replacement);
                String label = (String) rule.get("targetLabel");
                if (result.isEmpty()) {
                    target.remove(label);
                } else {
                    target.put(label, result);
                }
            }
        }
    }

    private static List<Series> series(String source, Scrape scrape, Map<String, String> target, boolean honorLabels) {
        List<Series> out = new ArrayList<>();
        for (Scrape.Sample sample : scrape.samples()) {
            Map<String, String> labels = new LinkedHashMap<>(target);
            sample.labels().forEach((k, v) -> {
                if (honorLabels || !target.containsKey(k)) {
                    labels.put(k, v);
                } else {
                    labels.put("exported_" + k, v);
                }
            });
            labels.put("__name__", sample.name());
            out.add(new Series(source, labels));
        }
        return out;
    }

    // --- the monitors, as rendered ---

    /** The chart's one object of this monitoring.coreos.com/v1 kind (PodMonitor, ServiceMonitor). */
    static GenericKubernetesResource one(List<HasMetadata> objects, String kind) {
        List<GenericKubernetesResource> found = objects.stream().filter(o -> kind.equals(o.getKind()))
                .map(GenericKubernetesResource.class::cast).toList();
        assertEquals(1, found.size(), "one " + kind);
        assertEquals("monitoring.coreos.com/v1", found.get(0).getApiVersion());
        return found.get(0);
    }

    /** The map at this path of a generic resource's fields; empty where there is none. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(GenericKubernetesResource r, String... path) {
        Object o = r.getAdditionalProperties();
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    /** A monitor's endpoints: its spec's {@code field} (endpoints, podMetricsEndpoints). */
    static List<Map<String, Object>> endpoints(GenericKubernetesResource r, String field) {
        return list(map(r, "spec").get(field));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        return o == null ? List.of() : (List<T>) o;
    }

    private static <T> T only(List<T> items, String what) {
        assertEquals(1, items.size(), what + ": " + items);
        return items.get(0);
    }

    /** Whether a label selector (matchLabels, matchExpressions) selects these labels. */
    @SuppressWarnings("unchecked")
    private static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        Map<String, String> matchLabels = (Map<String, String>) selector.getOrDefault("matchLabels", Map.of());
        boolean byLabels = matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        boolean byExpressions = list(selector.get("matchExpressions")).stream().map(e -> (Map<String, Object>) e)
                .allMatch(e -> {
                    String value = labels.get((String) e.get("key"));
                    List<String> values = list(e.get("values"));
                    return switch ((String) e.get("operator")) {
                        case "In" -> values.contains(value);
                        case "NotIn" -> !values.contains(value);
                        case "Exists" -> value != null;
                        case "DoesNotExist" -> value == null;
                        default -> throw new AssertionError(e);
                    };
                });
        return byLabels && byExpressions;
    }

    private static boolean inNamespaces(Map<String, Object> namespaceSelector, String namespace) {
        return Boolean.TRUE.equals(namespaceSelector.get("any"))
                || list(namespaceSelector.get("matchNames")).contains(namespace);
    }
}
