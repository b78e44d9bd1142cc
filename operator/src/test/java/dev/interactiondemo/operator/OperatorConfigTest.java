package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

import dev.interactiondemo.common.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorConfigTest {
    @Test
    void defaultsWatchEverythingWithTheDefaultImages() {
        OperatorConfig c = OperatorConfig.from(new String[0], Map.of());
        assertTrue(c.watchNamespaces().isEmpty());
        assertTrue(c.greeterImage().startsWith("interactiondemo/greeter:"));
        assertEquals(Duration.ofSeconds(10), c.statusInterval());
        assertEquals("kafka.strimzi.io/v1", c.strimziApiVersion());
        assertFalse(c.leaderElection());
        assertEquals(16, c.reconcileThreads());
    }

    @Test
    void readsTheEnvironment() {
        OperatorConfig c = OperatorConfig.from(new String[0], Map.of("WATCH_NAMESPACES", "a, b", "STATUS_INTERVAL", "30s",
                "STRIMZI_API_VERSION", "kafka.strimzi.io/v1beta2", "LEADER_ELECTION", "true", "POD_NAMESPACE", "ops",
                "RECONCILE_THREADS", "4"));
        assertEquals(Set.of("a", "b"), c.watchNamespaces());
        assertEquals(Duration.ofSeconds(30), c.statusInterval());
        assertEquals("kafka.strimzi.io/v1beta2", c.strimziApiVersion());
        assertEquals("ops", c.leaseNamespace());
        assertEquals(4, c.reconcileThreads());
    }

    @Test
    void badValuesAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> OperatorConfig.from(new String[0], Map.of(
                "WATCH_NAMESPACES", "Bad_NS", "IMAGE_PULL_POLICY", "Sometimes", "STRIMZI_API_VERSION", "v2",
                "LEADER_ELECTION", "true", "RECONCILE_THREADS", "0")));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("WATCH_NAMESPACES (--watch-namespaces): 'Bad_NS' is not a namespace name"));
        assertTrue(e.getMessage().contains("POD_NAMESPACE (--lease-namespace) is required with leader election"));
    }
}
