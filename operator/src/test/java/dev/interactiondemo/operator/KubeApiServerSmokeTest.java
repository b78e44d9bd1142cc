package dev.interactiondemo.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs a real kube-apiserver and etcd (fabric8 kube-api-test) and checks the API-server
 * behaviour the operator relies on: a CRD with a status subresource, OpenAPI schema bounds and a
 * CEL validation rule. The binaries come from {@code hack/kube-binaries.sh} or a kube-api-test
 * download (docs/kube-binaries.md).
 */
class KubeApiServerSmokeTest {

  private static final String NAMESPACE = "default";
  private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
      .withGroup("smoke.interactiondemo.dev")
      .withVersion("v1")
      .withKind("Widget")
      .withPlural("widgets")
      .withNamespaced(true)
      .build();

  private static KubeAPIServer apiServer;
  private static KubernetesClient client;
  private static String kubeVersion;

  @BeforeAll
  static void startApiServerAndInstallCrd() {
    kubeVersion = pinnedKubeVersion();
    // A pinned version: kube-api-test uses ~/.kubeapitest/k8s/<version>-<os>-<arch>/ if it is
    // there and never asks the network which version is the latest.
    apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withApiServerVersion(kubeVersion)
        .build());
    apiServer.start();
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
        .build();

    CustomResourceDefinition crd;
    try (InputStream yaml = resource("smoke/widgets-crd.yaml")) {
      crd = client.apiextensions().v1().customResourceDefinitions().load(yaml).item();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    client.apiextensions().v1().customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(c -> c != null && c.getStatus() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType())
                    && "True".equals(cond.getStatus())),
            30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopApiServer() {
    if (client != null) {
      client.close();
    }
    if (apiServer != null) {
      apiServer.stop();
    }
  }

  @Test
  void servesThePinnedKubernetesVersion() {
    // Also checks that binaries built from source carry their release version, not v0.0.0.
    assertEquals("v" + kubeVersion, client.getKubernetesVersion().getGitVersion());
  }

  @Test
  void statusSubresourceUpdatesOnlyTheStatus() {
    var created = widgets().resource(widget("valid", 1, 3)).create();
    assertEquals(1L, created.getMetadata().getGeneration());

    // Through /status: the status is stored, a change to the spec in the same request is not.
    var edited = widgets().withName("valid").get();
    edited.setAdditionalProperty("status", Map.of("phase", "Scaled", "observedGeneration", 1));
    edited.setAdditionalProperty("spec", Map.of("minReplicas", 2, "maxReplicas", 9));
    widgets().resource(edited).updateStatus();

    var stored = widgets().withName("valid").get();
    Map<String, Object> status = stored.get("status");
    assertNotNull(status, "status after the /status update");
    assertEquals("Scaled", status.get("phase"));
    assertEquals(1, ((Number) status.get("observedGeneration")).intValue());
    assertEquals(1, ((Number) stored.get("spec", "minReplicas")).intValue());
    assertEquals(3, ((Number) stored.get("spec", "maxReplicas")).intValue());
    assertEquals(1L, stored.getMetadata().getGeneration(), "a status update keeps the generation");

    // And the main resource ignores a status it is sent: only /status writes it.
    stored.setAdditionalProperty("status", Map.of("phase", "Tampered"));
    widgets().resource(stored).update();
    Map<String, Object> statusAfterUpdate = widgets().withName("valid").get().get("status");
    assertEquals("Scaled", statusAfterUpdate.get("phase"));
  }

  @Test
  void celRuleRejectsMinAboveMax() {
    var e = assertThrows(KubernetesClientException.class,
        () -> widgets().resource(widget("min-above-max", 5, 2)).create());
    assertEquals(422, e.getCode());
    assertTrue(e.getMessage().contains("minReplicas must not be greater than maxReplicas"),
        e.getMessage());
    assertNotFound("min-above-max");
  }

  @Test
  void schemaBoundRejectsTooManyReplicas() {
    var e = assertThrows(KubernetesClientException.class,
        () -> widgets().resource(widget("too-many", 1, 11)).create());
    assertEquals(422, e.getCode());
    assertTrue(e.getMessage().contains("spec.maxReplicas"), e.getMessage());
    assertTrue(e.getMessage().contains("should be less than or equal to 10"), e.getMessage());
    assertNotFound("too-many");
  }

  private static void assertNotFound(String name) {
    assertNull(widgets().withName(name).get(), name + " must not have been stored");
  }

  private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> widgets() {
    return client.genericKubernetesResources(WIDGETS).inNamespace(NAMESPACE);
  }

  private static GenericKubernetesResource widget(String name, int minReplicas, int maxReplicas) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("smoke.interactiondemo.dev/v1")
        .withKind("Widget")
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .addToAdditionalProperties("spec",
            Map.of("minReplicas", minReplicas, "maxReplicas", maxReplicas))
        .build();
  }

  private static String pinnedKubeVersion() {
    var properties = new Properties();
    try (InputStream in = resource("kube-api-test.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = properties.getProperty("kube.version", "");
    if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
      throw new IllegalStateException("kube-api-test.properties: kube.version '" + version
          + "' is not X.Y.Z; run the tests through Maven (operator/pom.xml fills it in)");
    }
    return version;
  }

  private static InputStream resource(String name) {
    InputStream in = KubeApiServerSmokeTest.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("test resource not found: " + name);
    }
    return in;
  }
}
