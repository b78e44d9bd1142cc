package dev.interactiondemo.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable jar, run as users run it: {@code java -jar interaction-demo-sandbox.jar ...}. */
class SandboxIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, List<String> stdout, String stderr) {
        JsonNode last() throws Exception {
            return JSON.readTree(stdout.get(stdout.size() - 1));
        }

        List<JsonNode> statuses() throws Exception {
            List<JsonNode> all = new ArrayList<>();
            for (String line : stdout) {
                all.add(JSON.readTree(line));
            }
            return all;
        }
    }

    private static Run run(String... args) throws Exception {
        Path out = Files.createTempFile("sandbox", ".out");
        Path err = Files.createTempFile("sandbox", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", System.getProperty("sandbox.jar")));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the sandbox did not finish: " + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readAllLines(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.get("conditions")) {
            if (c.get("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + status);
    }

    @Test
    void runsTheLessonEndToEndAndReportsJson() throws Exception {
        Run r = run("--duration", "6s", "--rate", "20", "--output", "json", "--greeter-port", "0", "--interval", "1s");
        assertEquals(0, r.exit(), r.stderr());
        JsonNode last = r.last();
        JsonNode m = last.get("messages");
        assertTrue(m.get("produced").asLong() > 0, last.toString());
        assertTrue(m.get("consumed").asLong() > 0, last.toString());
        assertEquals(m.get("produced").asLong(), m.get("consumed").asLong(), "drained before the final status");
        assertEquals(0, last.get("delivery").get("lost").asLong());
        assertEquals(0, m.get("lag").asLong());
        assertEquals("True", condition(last, "Ready").get("status").asText());
        assertEquals("SERVING", last.get("greeter").get("serving").asText());
        assertTrue(r.stderr().contains("sandbox: OK:"), r.stderr());
    }

    @Test
    void aDeadWorkerOnlyGrowsLagAndNothingIsLost() throws Exception {
        Run r = run("--duration", "12s", "--rate", "20", "--output", "json", "--greeter-port", "0", "--interval", "1s",
                "--scenario", "worker-outage");
        assertEquals(0, r.exit(), r.stderr());
        boolean stalledSeen = false;
        long maxLag = 0;
        for (JsonNode s : r.statuses()) {
            maxLag = Math.max(maxLag, s.get("messages").get("lag").asLong());
            if (condition(s, "MessagesFlowing").get("reason").asText().equals("ConsumerStalled")) {
                stalledSeen = true;
                assertEquals("False", condition(s, "ConsumerAvailable").get("status").asText());
                assertEquals("True", condition(s, "ProducerAvailable").get("status").asText(),
                        "the Host keeps publishing while the Worker is down");
            }
        }
        assertTrue(stalledSeen, "MessagesFlowing=False/ConsumerStalled while the Worker was down");
        assertTrue(maxLag >= 20, "lag grew to " + maxLag);
        JsonNode m = r.last().get("messages");
        assertEquals(0, m.get("lag").asLong(), "the lag drained once the Worker was back");
        assertEquals(0, r.last().get("delivery").get("lost").asLong());
    }

    @Test
    void aDeadGreeterBlocksTheHost() throws Exception {
        Run r = run("--duration", "12s", "--rate", "20", "--output", "json", "--greeter-port", "0", "--interval", "1s",
                "--scenario", "greeter-outage");
        assertEquals(0, r.exit(), r.stderr());
        boolean blockedSeen = false;
        for (JsonNode s : r.statuses()) {
            if (condition(s, "GreeterAvailable").get("status").asText().equals("False")
                    && s.get("messages").get("producedPerSecond").asDouble() == 0.0) {
                blockedSeen = true;
                assertEquals("False", condition(s, "ProducerAvailable").get("status").asText(),
                        "the Host is not ready while its synchronous dependency is down");
            }
        }
        assertTrue(blockedSeen, "nothing produced while the Greeter was down");
        JsonNode last = r.last();
        assertTrue(last.get("greeter").get("failures").asLong() > 0);
        assertEquals(0, last.get("delivery").get("lost").asLong());
    }

    @Test
    void aTakenPortIsAClearErrorAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run r = run("--duration", "5s", "--greeter-port", String.valueOf(taken.getLocalPort()));
            assertNotEquals(0, r.exit());
            assertTrue(r.stderr().contains("port " + taken.getLocalPort() + " is already in use"), r.stderr());
            assertTrue(r.stderr().contains("--greeter-port"), r.stderr());
        }
    }

    @Test
    void badFlagsExitWith2() throws Exception {
        Run r = run("--rate", "fast");
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("SANDBOX_RATE (--rate): 'fast' is not a number"), r.stderr());
    }
}
