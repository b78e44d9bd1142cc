package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.Settings;
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
        SandboxOptions o = SandboxOptions.from(new String[] {"--fault", "greeter.errorRate=0.3", "--fault=kafka.cutHost=TRUE",
                "--web"}, Map.of());
        assertEquals("[greeter.errorRate=0.3, kafka.cutHost=true]", o.faults().toString());
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

    @Test
    void kafkaSecurityIsNoneByDefaultScramOrMtls() {
        assertEquals(SandboxOptions.KafkaSecurity.NONE, SandboxOptions.from(new String[0], Map.of()).kafkaSecurity());
        assertEquals(SandboxOptions.KafkaSecurity.SCRAM,
                SandboxOptions.from(new String[] {"--kafka-security", "scram"}, Map.of()).kafkaSecurity());
        assertEquals(SandboxOptions.KafkaSecurity.MTLS,
                SandboxOptions.from(new String[] {"--kafka-security=MTLS"}, Map.of()).kafkaSecurity());
        assertEquals(SandboxOptions.KafkaSecurity.SCRAM,
                SandboxOptions.from(new String[0], Map.of("SANDBOX_KAFKA_SECURITY", "scram")).kafkaSecurity());
        assertEquals(SandboxOptions.KafkaSecurity.NONE, SandboxOptions.from(new String[] {"--kafka-security=none"},
                Map.of("SANDBOX_KAFKA_SECURITY", "mtls")).kafkaSecurity(), "the flag wins over the variable");
        assertEquals("SASL_SSL", SandboxOptions.KafkaSecurity.SCRAM.listener());
        assertEquals("SSL", SandboxOptions.KafkaSecurity.MTLS.listener());
    }

    @Test
    void anUnknownKafkaSecurityIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--kafka-security=tls"}, Map.of()));
        assertTrue(e.getMessage().contains("SANDBOX_KAFKA_SECURITY (--kafka-security): 'tls' is not one of none, "
                + "scram, mtls"), e.getMessage());
    }

    @Test
    void aSecuredKafkaRefusesTheCutNamingBoth() {
        ConfigException scenario = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--duration=30s", "--scenario=kafka-cut", "--kafka-security=scram"}, Map.of()));
        assertTrue(scenario.getMessage().contains("SANDBOX_SCENARIO (--scenario) kafka-cut and SANDBOX_KAFKA_SECURITY "
                + "(--kafka-security) scram do not go together"), scenario.getMessage());
        assertTrue(scenario.getMessage().contains("the Host connects to the SASL_SSL listener directly"),
                scenario.getMessage());
        ConfigException fault = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--fault=kafka.cutHost=true"}, Map.of("SANDBOX_KAFKA_SECURITY", "mtls")));
        assertTrue(fault.getMessage().contains("SANDBOX_FAULTS (--fault) kafka.cutHost=true and "
                + "SANDBOX_KAFKA_SECURITY (--kafka-security) mtls do not go together"), fault.getMessage());
        // the other lessons, and the cut switched off, are fine
        SandboxOptions o = SandboxOptions.from(new String[] {"--duration=30s", "--scenario=worker-outage",
                "--fault=kafka.cutHost=false", "--kafka-security=mtls"}, Map.of());
        assertEquals(SandboxOptions.KafkaSecurity.MTLS, o.kafkaSecurity());
        assertEquals(SandboxOptions.KafkaSecurity.NONE, SandboxOptions.from(new String[] {"--duration=30s",
                "--scenario=kafka-cut"}, Map.of()).kafkaSecurity());
    }

    @Test
    void theHelpListsKafkaSecurity() {
        String help = Settings.usage("sandbox", SandboxOptions.OPTIONS);
        assertTrue(help.contains("--kafka-security"), help);
        assertTrue(help.contains("SANDBOX_KAFKA_SECURITY"), help);
        assertTrue(help.contains("none (PLAINTEXT), scram (SCRAM-SHA-512 over TLS"), help);
        assertTrue(help.contains("the sandbox's own readings stay on PLAINTEXT"), help);
        assertTrue(help.contains("[default: none]"), help);
    }
}
