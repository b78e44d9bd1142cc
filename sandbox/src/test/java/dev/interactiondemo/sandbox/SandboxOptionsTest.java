package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxOptionsTest {
    @Test
    void defaultsRunUntilStopped() {
        SandboxOptions o = SandboxOptions.from(new String[0], Map.of());
        assertEquals(Optional.empty(), o.duration());
        assertEquals(5.0, o.rate());
        assertEquals("sync", o.callMode());
        assertEquals("table", o.output());
        assertEquals(50051, o.greeterPort());
        assertEquals(0, o.kafkaPort());
        assertEquals(SandboxOptions.Scenario.NONE, o.scenario());
    }

    @Test
    void flagsAreRead() {
        SandboxOptions o = SandboxOptions.from(new String[] {"--duration", "30s", "--rate=50", "--call-mode=async",
                "--output=json", "--scenario=worker-outage"}, Map.of());
        assertEquals(Optional.of(Duration.ofSeconds(30)), o.duration());
        assertEquals("async", o.callMode());
        assertEquals(SandboxOptions.Scenario.WORKER_OUTAGE, o.scenario());
    }

    @Test
    void aScenarioNeedsADurationAndBadValuesAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--scenario=greeter-outage", "--output=xml", "--rate=-1"}, Map.of()));
        assertTrue(e.getMessage().contains("SANDBOX_SCENARIO (--scenario) needs SANDBOX_DURATION (--duration)"), e.getMessage());
        assertTrue(e.getMessage().contains("'xml' is not one of table, json"), e.getMessage());
        assertTrue(e.getMessage().contains("SANDBOX_RATE (--rate): -1 is out of range"), e.getMessage());
    }

    @Test
    void faultsRepeatAndTheWebPageIsOnByDefault() {
        SandboxOptions o = SandboxOptions.from(new String[] {"--fault", "greeter.errorRate=0.3", "--fault=kafka.cutProducer=TRUE",
                "--web"}, Map.of());
        assertEquals("[greeter.errorRate=0.3, kafka.cutProducer=true]", o.faults().toString());
        assertTrue(o.web());
        assertEquals(8081, o.webPort());
        SandboxOptions env = SandboxOptions.from(new String[] {"--web=false", "--web-port=0"},
                Map.of("SANDBOX_FAULTS", "worker.failBeforeCommit=0.01,greeter.unavailable=true"));
        assertEquals("[worker.failBeforeCommit=0.01, greeter.unavailable=true]", env.faults().toString());
        assertEquals(false, env.web());
        assertEquals(0, env.webPort());
    }

    @Test
    void badFaultsAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--fault", "greeter.errorRate", "--fault", "worker.failBeforeCommit=lots"}, Map.of()));
        assertTrue(e.getMessage().contains("SANDBOX_FAULTS (--fault): 'greeter.errorRate' is not name=value"),
                e.getMessage());
        assertTrue(e.getMessage().contains("worker.failBeforeCommit: 'lots' is not a number"), e.getMessage());
    }

    @Test
    void everyLessonIsAScenario() {
        for (String lesson : new String[] {"greeter-outage", "worker-outage", "greeter-errors", "greeter-unavailable",
                "duplicates", "kafka-cut"}) {
            SandboxOptions o = SandboxOptions.from(new String[] {"--duration=30s", "--scenario=" + lesson}, Map.of());
            assertEquals(lesson, o.scenario().label());
        }
    }
}
