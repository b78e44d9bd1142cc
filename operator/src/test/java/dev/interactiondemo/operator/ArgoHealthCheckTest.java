package dev.interactiondemo.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Argo CD health check of docs/gitops.md, run by Debian's {@code lua5.4} as Argo CD runs it, on statuses the
 * operator wrote in {@link WhyPartsDoNotRunTest} (kept in src/test/resources/statuses/, copied from
 * target/captured-statuses/ after a run of that test). Skipped, saying so, where lua5.4 is not installed.
 */
class ArgoHealthCheckTest {
    @BeforeAll
    static void needsLua() {
        Assumptions.assumeTrue(ArgoHealth.lua().isPresent(), ArgoHealth.NO_LUA);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "healthy, Healthy, Greeter, topic, Host and Worker are available",
            "progressing-starting, Progressing, Reconciling GreeterUnavailable",
            "progressing-rollout, Progressing, Reconciling RollingOut: the Worker's Deployment",
            "degraded-quota, Degraded, Stalled QuotaExceeded: WorkerAvailable: 0/1 Worker replicas ready: "
                    + "ResourceQuota class-pods refuses the Worker's pods",
            "degraded-oom, Degraded, Stalled CrashLooping: WorkerAvailable: 0/1 Worker replicas ready: the Worker's "
                    + "container worker"})
    void aCapturedStatusHasItsHealth(String capture, String expected, String messageStart) throws IOException {
        JsonNode demo;
        try (InputStream in = getClass().getResourceAsStream("/statuses/" + capture + ".json")) {
            assertNotNull(in, capture + ".json is missing from src/test/resources/statuses/");
            demo = Serialization.jsonMapper().readTree(in);
        }
        ArgoHealth.Health health = ArgoHealth.of(demo);
        assertEquals(expected, health.status(), health.message());
        assertTrue(health.message().startsWith(messageStart), health.message());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no status yet|{\"metadata\":{\"generation\":1}}|Progressing",
            "a status about an older spec|{\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":2,"
                    + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}|Progressing",
            "not Ready, nothing on its way (a fault)|{\"metadata\":{\"generation\":1},\"status\":{"
                    + "\"observedGeneration\":1,\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","
                    + "\"reason\":\"GreeterUnavailable\",\"message\":\"NOT_SERVING\"}]}}|Degraded"})
    void theEdgesOfAStatus(String what, String json, String expected) throws IOException {
        assertEquals(expected, ArgoHealth.of(Serialization.jsonMapper().readTree(json)).status(), what);
    }
}
