package dev.interactiondemo.operator;

import dev.interactiondemo.common.testing.Await;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One real kube-apiserver + etcd (fabric8 kube-api-test) for all operator tests of a JVM (and the chart's tests, in
 * the helm module), with the InteractionDemo and InteractionLesson CRDs from {@code crds/} and stand-ins for Strimzi's KafkaTopic and
 * KafkaUser CRDs installed. Stopped when the JVM exits. kube-api-test finds the binaries of the pinned version itself,
 * where hack/kube-binaries.sh puts them.
 */
public final class KubeApi {
    private static KubeAPIServer server;
    private static KubernetesClient client;

    private KubeApi() {
    }

    /**
     * No kubelet runs beside this API server: a Deployment is reported available with {@code replicas} ready, as the
     * Deployment controller would (after waiting for the operator to create it).
     */
    public static Deployment reportAvailable(String namespace, String name, int replicas) {
        KubernetesClient c = client();
        Await.value(name, () -> Optional.ofNullable(c.apps().deployments().inNamespace(namespace).withName(name)
                .get()), Duration.ofSeconds(60));
        return c.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(replicas).withReadyReplicas(replicas)
                    .withAvailableReplicas(replicas).withUpdatedReplicas(replicas).build());
            return d;
        });
    }

    public static synchronized KubernetesClient client() {
        if (client == null) {
            server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withApiServerVersion(pinnedKubeVersion()).build());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "kube-api-stop"));
            client = newClient();
            installInteractionDemoCrd(client);
            for (String crd : List.of("/strimzi/kafkatopics-crd.yaml", "/strimzi/kafkausers-crd.yaml")) {
                try (InputStream in = KubeApi.class.getResourceAsStream(crd)) {
                    install(client, client.apiextensions().v1().customResourceDefinitions().load(in).item());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return client;
    }

    /** Another client of the same API server (e.g. for a second operator instance). */
    public static KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    }

    public static String kubeconfig() {
        client();
        return server.getKubeConfigYaml();
    }

    /** A fresh namespace for one test. */
    public static String namespace(String name) {
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .serverSideApply();
        return name;
    }

    /** Installs the committed CRDs: InteractionDemo's and InteractionLesson's. */
    static void installInteractionDemoCrd(KubernetesClient client) {
        for (String file : List.of(CrdIsCommittedTest.FILE, CrdIsCommittedTest.LESSON_FILE)) {
            try (InputStream in = Files.newInputStream(CrdIsCommittedTest.committed(file))) {
                install(client, client.apiextensions().v1().customResourceDefinitions().load(in).item());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Installs a CRD and waits until the API server serves it. */
    static void install(KubernetesClient client, CustomResourceDefinition crd) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                        30, TimeUnit.SECONDS);
    }

    /** The Kubernetes version the tests pin (operator/pom.xml's kube-api-test.kube.version). */
    public static String pinnedKubeVersion() {
        Properties p = new Properties();
        try (InputStream in = KubeApi.class.getResourceAsStream("/kube-api-test.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("kube.version");
    }
}
