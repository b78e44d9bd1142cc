package dev.interactiondemo.operator;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A kube-apiserver of its own (fabric8 kube-api-test, the pinned version), not KubeApi's shared one: it writes an
 * audit log (every request's metadata, as JSON) and runs the OwnerReferencesPermissionEnforcement admission plugin,
 * and serves the committed InteractionDemo and InteractionLesson CRDs and the stand-ins for Strimzi's KafkaTopic and
 * KafkaUser. For RbacTest, which reads in the log what the operator asked for and what was refused.
 */
final class AuditedApiServer implements AutoCloseable {
    private final KubeAPIServer server;
    private final Path auditLog;
    private KubernetesClient admin;

    private AuditedApiServer(KubeAPIServer server, Path auditLog) {
        this.server = server;
        this.auditLog = auditLog;
    }

    /** Starts one, its audit policy and log in {@code dir} (the log of an earlier run removed), with the CRDs. */
    static AuditedApiServer start(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path auditLog = dir.resolve("audit.log");
        Files.deleteIfExists(auditLog);
        Path policy = dir.resolve("audit-policy.yaml");
        Files.writeString(policy, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                  - level: Metadata
                """);
        AuditedApiServer api = new AuditedApiServer(new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(KubeApi.pinnedKubeVersion())
                .withApiServerFlag("--audit-policy-file", policy.toString())
                .withApiServerFlag("--audit-log-path", auditLog.toString())
                .withApiServerFlag("--audit-log-format", "json")
                .withApiServerFlag("--enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
                .build()), auditLog);
        try {
            api.server.start();
            api.admin = api.client(null);
            api.installCrd(Files.newInputStream(Path.of(System.getProperty("committed.crds"),
                    CrdIsCommittedTest.FILE)));
            api.installCrd(Files.newInputStream(Path.of(System.getProperty("committed.crds"),
                    CrdIsCommittedTest.LESSON_FILE)));
            api.installCrd(AuditedApiServer.class.getResourceAsStream("/strimzi/kafkatopics-crd.yaml"));
            api.installCrd(AuditedApiServer.class.getResourceAsStream("/strimzi/kafkausers-crd.yaml"));
            return api;
        } catch (IOException | RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** The client with every right (no impersonation). */
    KubernetesClient admin() {
        return admin;
    }

    /** A new client of this server: the admin's, or one impersonating {@code impersonate} (a user name). */
    KubernetesClient client(String impersonate) {
        Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
        if (impersonate != null) {
            config.setImpersonateUsername(impersonate);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void installCrd(InputStream in) throws IOException {
        try (in) {
            CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
            admin.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
            admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                            30, TimeUnit.SECONDS);
        }
    }

    /** One request of the operator, as the audit log records it. */
    record AuditEvent(String verb, String group, String resource, String subresource, String namespace, String name,
                      int code) {
        String permission() {
            return group + "/" + resource + (subresource == null ? "" : "/" + subresource) + ":" + verb;
        }

        boolean refused() {
            return code == 403;
        }
    }

    /** The audit log's length in lines: where what happens next begins. */
    long auditLines() {
        try (var lines = Files.lines(auditLog)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resource requests {@code user} made (impersonated) since line {@code from} of the audit log. */
    @SuppressWarnings("unchecked")
    List<AuditEvent> auditEvents(long from, String user) {
        List<String> lines;
        try (var all = Files.lines(auditLog)) {
            lines = all.skip(from).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<AuditEvent> events = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> e;
            try {
                e = Serialization.jsonMapper().readValue(line, Map.class);
            } catch (IOException ex) {
                continue; // a line being written
            }
            Map<String, Object> impersonated = (Map<String, Object>) e.get("impersonatedUser");
            Map<String, Object> ref = (Map<String, Object>) e.get("objectRef");
            if (impersonated == null || !user.equals(impersonated.get("username")) || ref == null) {
                continue;
            }
            String group = (String) Optional.ofNullable(ref.get("apiGroup")).orElse("");
            if (group.equals("authorization.k8s.io") || ref.get("resource") == null) {
                continue; // SelfSubjectRulesReview (leader election's check) and discovery: every user may
            }
            Map<String, Object> status = (Map<String, Object>) e.getOrDefault("responseStatus", Map.of());
            int code = ((Number) status.getOrDefault("code", 0)).intValue();
            events.add(new AuditEvent((String) e.get("verb"), group, (String) ref.get("resource"),
                    (String) ref.get("subresource"), (String) ref.get("namespace"), (String) ref.get("name"), code));
        }
        return events;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        server.stop();
    }
}
