package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.Settings;
import dev.interactiondemo.api.lesson.Figure;
import dev.interactiondemo.engine.lesson.LessonCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        assertEquals(Optional.empty(), o.lesson());
    }

    @Test
    void flagsAreRead() {
        SandboxOptions o = SandboxOptions.from(new String[] {"--duration", "30s", "--rate=50", "--call-mode=async",
                "--output=json", "--scenario=worker-outage"}, Map.of());
        assertEquals(Optional.of(Duration.ofSeconds(30)), o.duration());
        assertEquals("async", o.callMode());
        assertEquals("worker-outage", o.lesson().orElseThrow().name());
        assertEquals("worker-outage", o.lesson().orElseThrow().spec().getLesson());
    }

    @Test
    void aLessonEndsTheRunOnItsOwnAndBadValuesAreNamed() {
        SandboxOptions o = SandboxOptions.from(new String[] {"--scenario=greeter-outage"}, Map.of());
        assertEquals(Optional.empty(), o.duration(), "the lesson ends the run: no --duration needed");
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--scenario=greeter-outage", "--output=xml", "--rate=-1"}, Map.of()));
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
    void everyCatalogueLessonIsAScenario() {
        for (String lesson : LessonCatalogue.NAMES) {
            SandboxOptions o = SandboxOptions.from(new String[] {"--scenario=" + lesson}, Map.of());
            assertEquals(lesson, o.lesson().orElseThrow().name());
            assertEquals("--scenario", o.lesson().orElseThrow().flag().replaceAll(".*\\((.*)\\)", "$1"));
        }
        assertEquals(Optional.empty(), SandboxOptions.from(new String[] {"--scenario=none"}, Map.of()).lesson());
    }

    @Test
    void anUnknownScenarioIsRefusedListingTheCatalogue() {
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--scenario=worker-crash"}, Map.of()));
        assertTrue(e.getMessage().contains("SANDBOX_SCENARIO (--scenario): 'worker-crash' is not one of none, "
                + String.join(", ", LessonCatalogue.NAMES)), e.getMessage());
    }

    @Test
    void aLessonFileIsReadAndItsDemoIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lost.yaml");
        Files.writeString(file, """
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionLesson
                metadata:
                  name: my-lesson
                spec:
                  demo: somewhere-else
                  steps:
                  - name: wait
                    hold: 5s
                  hypotheses:
                  - {figure: lost, is: above, value: 0}
                """);
        LessonChoice l = SandboxOptions.from(new String[] {"--lesson", file.toString()}, Map.of()).lesson()
                .orElseThrow();
        assertEquals("my-lesson", l.name());
        assertEquals("sandbox", l.spec().getDemo());
        assertEquals("wait", l.spec().getSteps().get(0).getName());
        assertEquals(Figure.lost, l.spec().getHypotheses().get(0).getFigure());
    }

    @Test
    void anUnreadableOrInvalidLessonFileIsRefusedNamingWhy(@TempDir Path dir) throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--lesson", dir.resolve("nope.yaml").toString()}, Map.of()));
        assertTrue(missing.getMessage().contains("SANDBOX_LESSON (--lesson): cannot read " + dir.resolve("nope.yaml")
                + ": no such file"), missing.getMessage());

        Path garbage = dir.resolve("garbage.yaml");
        Files.writeString(garbage, "spec: {steps: [{name: a, hold: 5s, expect: [{figure: happiness, is: above}]}]}");
        ConfigException notALesson = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--lesson", garbage.toString()}, Map.of()));
        assertTrue(notALesson.getMessage().contains(garbage + " is not an InteractionLesson"), notALesson.getMessage());
        assertTrue(notALesson.getMessage().contains("happiness"), notALesson.getMessage());

        Path invalid = dir.resolve("invalid.yaml");
        Files.writeString(invalid, """
                kind: InteractionLesson
                spec:
                  lesson: worker-outage
                  steps:
                  - name: Bad_Name
                  - name: twice
                    hold: soon
                    until: {figure: lag, is: equal, value: 0}
                  - name: twice
                    hold: 5s
                    timeout: 1m
                  hypotheses:
                  - {figure: lost, is: equal}
                  - {figure: lag, is: above, value: 1, tolerance: 2, relativeTo: nowhere}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--lesson", invalid.toString()}, Map.of()));
        String m = e.getMessage();
        for (String expected : List.of("spec: give either lesson (a lesson from the catalogue) or steps",
                "spec.steps[0].name: 'Bad_Name' is not a step name",
                "spec.steps[0]: a step switches (set), rewinds, holds (hold) or waits (until): give at least one",
                "spec.steps[1]: hold or until, not both", "spec.steps[1].hold: 'soon' is not a duration",
                "spec.steps[2].name: twice is the name of an earlier step", "spec.steps[2].timeout: only with until",
                "spec.hypotheses[0]: give either value or predicted: true",
                "spec.hypotheses[1].tolerance: only with is: near", "spec.hypotheses[1].relativeTo: no step named nowhere")) {
            assertTrue(m.contains("SANDBOX_LESSON (--lesson): " + invalid + ": " + expected), expected + " in " + m);
        }
    }

    @Test
    void aScenarioAndALessonFileDoNotGoTogether(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("l.yaml");
        Files.writeString(file, "spec: {lesson: replay}");
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--scenario=replay", "--lesson", file.toString()}, Map.of()));
        assertTrue(e.getMessage().contains("SANDBOX_SCENARIO (--scenario) and SANDBOX_LESSON (--lesson): give one "
                + "lesson, not both"), e.getMessage());
        assertEquals("replay", SandboxOptions.from(new String[] {"--lesson", file.toString()}, Map.of()).lesson()
                .orElseThrow().spec().getLesson(), "a file may name a catalogue lesson");
    }

    @Test
    void aLessonFileThatCutsTheHostIsRefusedWithASecuredKafka(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cut.yaml");
        Files.writeString(file, "spec: {steps: [{name: cut, set: {faults: {kafka: {cutHost: true}}}, hold: 5s}]}");
        ConfigException e = assertThrows(ConfigException.class, () -> SandboxOptions.from(
                new String[] {"--lesson", file.toString(), "--kafka-security=mtls"}, Map.of()));
        assertTrue(e.getMessage().contains("SANDBOX_LESSON (--lesson) cut.yaml and SANDBOX_KAFKA_SECURITY "
                + "(--kafka-security) mtls do not go together"), e.getMessage());
        assertEquals(SandboxOptions.KafkaSecurity.NONE, SandboxOptions.from(new String[] {"--lesson", file.toString()},
                Map.of()).kafkaSecurity());
    }

    @Test
    void theHelpListsTheCatalogueAndTheLessonFile() {
        String help = Settings.usage("sandbox", SandboxOptions.OPTIONS);
        for (String lesson : LessonCatalogue.NAMES) {
            assertTrue(help.contains(lesson), lesson + " in " + help);
        }
        assertTrue(help.contains("--lesson"), help);
        assertTrue(help.contains("InteractionLesson YAML file"), help);
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
                new String[] {"--scenario=kafka-cut", "--kafka-security=scram"}, Map.of()));
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
