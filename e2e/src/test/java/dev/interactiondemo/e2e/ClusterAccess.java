package dev.interactiondemo.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cluster the end-to-end suite runs on, as its tests reach it: a client, and kubectl and helm with the admin
 * kubeconfig; namespaces and Secrets made; the operator's pods; a counter from pods' /metrics; what the nodes say of
 * NetworkPolicies.
 */
final class ClusterAccess implements AutoCloseable {
    /** The node annotation e2e/cluster-up.sh writes: "enforced: ..." or "unenforced: why" (e2e/lib/netpol.sh). */
    static final String NETWORK_POLICIES = "e2e.interactiondemo.dev/network-policies";

    private final Cluster cluster;
    private final Path kubeconfigFile;
    private KubernetesClient client;
    private Path helm;

    private ClusterAccess(Cluster cluster, Path kubeconfigFile) {
        this.cluster = cluster;
        this.kubeconfigFile = kubeconfigFile;
    }

    /**
     * The cluster opened: its kubeconfig in a file (for kubectl and helm), a client, these images loaded on its nodes,
     * and helm and kubectl found (hack/kube-binaries.sh). Closes the cluster when it cannot.
     */
    static ClusterAccess open(Cluster cluster, List<Path> images) throws IOException {
        ClusterAccess access;
        try {
            Path kubeconfigFile = Files.createTempFile("e2e-kubeconfig", ".yaml");
            Files.writeString(kubeconfigFile, cluster.kubeconfig());
            access = new ClusterAccess(cluster, kubeconfigFile);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        try {
            access.client = new KubernetesClientBuilder().withConfig(clientConfig(cluster.kubeconfig())).build();
            cluster.loadImages(images);
            access.helm = Path.of(Shell.run("hack/kube-binaries.sh", "--full", "--print-dir").strip()).resolve("helm");
            return access;
        } catch (RuntimeException e) {
            access.close();
            throw e;
        }
    }

    /** The kubeconfig's client configuration; fabric8 assumes RSA keys unless told, so say when the key is EC. */
    static Config clientConfig(String kubeconfig) {
        Config config = Config.fromKubeconfig(kubeconfig);
        String keyData = config.getClientKeyData();
        if (keyData != null) {
            String pem = new String(Base64.getDecoder().decode(keyData), StandardCharsets.UTF_8);
            if (pem.contains("BEGIN EC PRIVATE KEY") || isEcPkcs8(pem)) {
                config.setClientKeyAlgo("EC");
            }
        }
        return config;
    }

    private static boolean isEcPkcs8(String pem) {
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            return false;
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            java.security.KeyFactory.getInstance("EC").generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    KubernetesClient client() {
        return client;
    }

    /** kubectl (beside helm) with the cluster's admin kubeconfig; its output. */
    String kubectl(String... args) {
        return Shell.run(Map.of(), Duration.ofMinutes(10), withKubeconfig(helm.resolveSibling("kubectl"), args));
    }

    /** helm with the cluster's admin kubeconfig, run from the repository's root (five minutes at most). */
    void helm(String... args) {
        Shell.run(Map.of(), Duration.ofMinutes(5), withKubeconfig(helm, args));
    }

    private String[] withKubeconfig(Path binary, String... args) {
        return Stream.concat(Stream.of(binary.toString(), "--kubeconfig", kubeconfigFile.toString()), Stream.of(args))
                .toArray(String[]::new);
    }

    /** A namespace that enforces the restricted Pod Security Standard (its latest version). */
    void restrictedNamespace(String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest").endMetadata().build())
                .serverSideApply();
    }

    /** A Secret of {@code data} (plain text, encoded here), applied server-side. */
    void secret(String namespace, String name, String type, Map<String, String> data) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
                .endMetadata().withType(type).withData(encoded).build()).serverSideApply();
    }

    /**
     * A counter summed over every running pod in {@code namespace} whose name starts with {@code podPrefix}, from
     * their /metrics (port-forwarded).
     */
    double metric(String namespace, String podPrefix, String name) {
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith(podPrefix)
                        && p.getMetadata().getDeletionTimestamp() == null && "Running".equals(p.getStatus().getPhase()))
                .toList();
        if (pods.isEmpty()) {
            throw new AssertionError("no running pod " + podPrefix + "*");
        }
        double sum = 0;
        for (Pod pod : pods) {
            try (var forward = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                    .portForward(8080)) {
                String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + forward.getLocalPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                        .matcher(body);
                if (!m.find()) {
                    throw new AssertionError("no " + name + " in the metrics of " + pod.getMetadata().getName());
                }
                sum += Double.parseDouble(m.group(1));
            } catch (IOException e) {
                throw new AssertionError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return sum;
    }

    /** The operator's pods in {@code namespace}, where the chart installed it. */
    List<Pod> operatorPods(String namespace) {
        return client.pods().inNamespace(namespace).withLabel("app.kubernetes.io/name", "interaction-demo-operator")
                .list().getItems();
    }

    /** Not being deleted, and its Ready condition True. */
    static boolean ready(Pod p) {
        return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** How often the operator's containers in {@code namespace} restarted, summed. */
    int operatorRestarts(String namespace) {
        return operatorPods(namespace).stream().flatMap(p -> p.getStatus().getContainerStatuses().stream())
                .mapToInt(c -> c.getRestartCount()).sum();
    }

    /** What the nodes say about NetworkPolicies: an "unenforced" node's word first; null if none says anything. */
    String networkPolicyEnforcement() {
        List<String> said = client.nodes().list().getItems().stream()
                .map(n -> n.getMetadata().getAnnotations() == null ? null
                        : n.getMetadata().getAnnotations().get(NETWORK_POLICIES))
                .filter(a -> a != null).toList();
        return said.stream().filter(a -> a.startsWith("unenforced")).findFirst()
                .orElse(said.isEmpty() ? null : said.get(0));
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        cluster.close();
    }
}
