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
            if (!List.of(args).contains("--web") && List.of(args).stream().noneMatch(a -> a.startsWith("--web"))) {
                cmd.addAll(List.of("--web-port", "0")); // the page on any free port, not the default 8081
            }
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

    /** A lesson's scenario at 20 notifications/s, its status as JSON every second. */
    private static Run lesson(String scenario, String duration) throws Exception {
        return run("--duration", duration, "--rate", "20", "--output", "json", "--greeter-port", "0", "--interval", "1s",
                "--scenario", scenario);
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
        Run r = lesson("worker-outage", "12s");
        assertEquals(0, r.exit(), r.stderr());
        boolean stalledSeen = false;
        long maxLag = 0;
        for (JsonNode s : r.statuses()) {
            maxLag = Math.max(maxLag, s.get("messages").get("lag").asLong());
            if (condition(s, "MessagesFlowing").get("reason").asText().equals("WorkerStalled")) {
                stalledSeen = true;
                assertEquals("False", condition(s, "WorkerAvailable").get("status").asText());
                assertEquals("True", condition(s, "HostAvailable").get("status").asText(),
                        "the Host keeps publishing while the Worker is down");
            }
        }
        assertTrue(stalledSeen, "MessagesFlowing=False/WorkerStalled while the Worker was down");
        assertTrue(maxLag >= 20, "lag grew to " + maxLag);
        JsonNode m = r.last().get("messages");
        assertEquals(0, m.get("lag").asLong(), "the lag drained once the Worker was back");
        assertEquals(0, r.last().get("delivery").get("lost").asLong());
    }

    @Test
    void aDeadGreeterBlocksTheHost() throws Exception {
        Run r = lesson("greeter-outage", "12s");
        assertEquals(0, r.exit(), r.stderr());
        boolean blockedSeen = false;
        for (JsonNode s : r.statuses()) {
            if (condition(s, "GreeterAvailable").get("status").asText().equals("False")
                    && s.get("messages").get("producedPerSecond").asDouble() == 0.0) {
                blockedSeen = true;
                assertEquals("False", condition(s, "HostAvailable").get("status").asText(),
                        "the Host is not ready while its synchronous dependency is down");
            }
        }
        assertTrue(blockedSeen, "nothing produced while the Greeter was down");
        JsonNode last = r.last();
        assertTrue(last.get("greeter").get("failures").asLong() > 0);
        assertEquals(0, last.get("delivery").get("lost").asLong());
    }

    private static List<String> faults(JsonNode status) {
        List<String> list = new ArrayList<>();
        if (status.has("faults")) {
            status.get("faults").forEach(f -> list.add(f.asText()));
        }
        return list;
    }

    private static String summary(Run r) throws Exception {
        StringBuilder b = new StringBuilder();
        for (JsonNode s : r.statuses()) {
            JsonNode m = s.get("messages");
            b.append(String.format("produced %s consumed %s lag %s greeter %s calls %s errorRate %s dup %s lost %s %s%n",
                    m == null ? "?" : m.get("produced"), m == null ? "?" : m.get("consumed"),
                    m == null ? "?" : m.get("lag"), s.get("greeter").get("serving"), s.get("greeter").get("calls"),
                    s.get("greeter").get("errorRate"), s.get("delivery").get("duplicates"),
                    s.get("delivery").get("lost"), faults(s)));
        }
        return b.toString();
    }

    /** The run went end to end, drained, and lost nothing; the faults were lifted by the end. */
    private static void endsClean(Run r) throws Exception {
        assertEquals(0, r.exit(), r.stderr());
        JsonNode last = r.last();
        JsonNode m = last.get("messages");
        assertEquals(0, last.get("delivery").get("lost").asLong(), summary(r));
        assertEquals(0, m.get("lag").asLong(), summary(r));
        assertEquals(m.get("produced").asLong(), m.get("consumed").asLong(), summary(r));
        assertEquals(List.of(), faults(last));
        assertEquals("False", condition(last, "FaultsActive").get("status").asText());
        assertEquals("NoFaults", condition(last, "FaultsActive").get("reason").asText());
    }

    @Test
    void greeterErrorsAreRetriedAndCostOnlyRate() throws Exception {
        Run r = lesson("greeter-errors", "12s");
        endsClean(r);
        boolean erroring = false;
        for (JsonNode s : r.statuses()) {
            if (faults(s).contains("greeter.errorRate=0.3")) {
                assertEquals("True", condition(s, "FaultsActive").get("status").asText());
                assertTrue(condition(s, "FaultsActive").get("message").asText().contains("greeter.errorRate=0.3"));
                double rate = s.get("greeter").get("errorRate").asDouble();
                erroring |= rate > 0.05 && rate < 0.7;
            }
        }
        assertTrue(erroring, "the Host saw some of its calls fail while greeter.errorRate=0.3:\n" + summary(r));
        assertTrue(r.last().get("greeter").get("failures").asLong() > 0);
    }

    @Test
    void anUnavailableGreeterBlocksTheHostWhileTheWorkerDrains() throws Exception {
        Run r = lesson("greeter-unavailable", "12s");
        endsClean(r);
        boolean blocked = false;
        for (JsonNode s : r.statuses()) {
            if (faults(s).contains("greeter.unavailable=true")
                    && s.get("messages").get("producedPerSecond").asDouble() == 0.0) {
                blocked = true;
                assertEquals("NOT_SERVING", s.get("greeter").get("serving").asText());
                assertEquals("False", condition(s, "GreeterAvailable").get("status").asText());
                assertEquals("True", condition(s, "WorkerAvailable").get("status").asText(),
                        "the Worker keeps running");
                assertEquals(0, s.get("messages").get("lag").asLong(), "the Worker drained what waited");
            }
        }
        assertTrue(blocked, "nothing produced while the Greeter refused calls:\n" + summary(r));
    }

    @Test
    void aWorkerFailingBeforeItsCommitDuplicatesButLosesNothing() throws Exception {
        Run r = lesson("duplicates", "15s");
        endsClean(r);
        boolean seen = false;
        for (JsonNode s : r.statuses()) {
            seen |= faults(s).contains("worker.failBeforeCommit=0.2");
        }
        assertTrue(seen, "the fault was listed while on");
        assertTrue(r.last().get("delivery").get("duplicates").asLong() > 0, summary(r));
    }

    @Test
    void aHostCutOffFromKafkaStopsProducingAndLosesNothing() throws Exception {
        Run r = lesson("kafka-cut", "24s");
        endsClean(r);
        long producedDuringCut = -1;
        int flat = 0;
        long previous = -1;
        for (JsonNode s : r.statuses()) {
            long produced = s.get("messages").get("produced").asLong();
            if (faults(s).contains("kafka.cutHost=true")) {
                assertTrue(condition(s, "FaultsActive").get("message").asText().contains("proxy"));
                assertEquals("SERVING", s.get("greeter").get("serving").asText(), "the Greeter keeps answering");
                if (produced == previous) {
                    flat++;
                }
                producedDuringCut = produced;
            }
            previous = produced;
        }
        assertTrue(flat >= 3, "produced stood still while the Host was cut off:\n" + summary(r));
        assertTrue(r.last().get("messages").get("produced").asLong() > producedDuringCut + 20,
                "produced rises again after the cut:\n" + summary(r));
    }

    /** The highest consumed/s of a run, and its largest lag. */
    /**
     * The fastest consume rate of a run, and its largest lag once the consumer group has settled and drained what
     * piled up meanwhile: over the last third of the run. Before, the Workers join one after the other, and each join
     * pauses the group for a rebalance while the Host goes on publishing: a lag that says nothing about whether they
     * keep up.
     */
    private static double[] drainRate(String workers) throws Exception {
        Run r = run("--duration", "12s", "--rate", "20", "--output", "json", "--greeter-port", "0", "--interval", "1s",
                "--partitions", "3", "--workers", workers, "--processing-delay", "100ms");
        assertEquals(0, r.exit(), r.stderr());
        double fastest = 0;
        long maxLag = 0;
        List<JsonNode> all = r.statuses();
        List<JsonNode> periodic = all.subList(0, all.size() - 1); // the last line: the whole run's average
        for (int i = 0; i < periodic.size(); i++) {
            JsonNode messages = periodic.get(i).get("messages");
            fastest = Math.max(fastest, messages.get("consumedPerSecond").asDouble());
            if (i >= periodic.size() * 2 / 3) {
                maxLag = Math.max(maxLag, messages.get("lag").asLong());
            }
        }
        assertEquals(Integer.parseInt(workers), r.last().get("worker").get("replicas").asInt());
        assertEquals(0, r.last().get("delivery").get("lost").asLong());
        return new double[] {fastest, maxLag};
    }

    @Test
    void workersScaleWithPartitions() throws Exception {
        double[] one = drainRate("1");
        double[] three = drainRate("3");
        // 100 ms per notification: one Worker takes ~10/s of the 20/s and falls behind (its lag grows by ~10 a
        // second: over 60 in the last third); three share the three partitions and keep up.
        assertTrue(one[1] >= 40, "one Worker falls behind: lag " + one[1]);
        assertTrue(three[1] <= 20, "three Workers on three partitions keep up: lag " + three[1]);
        assertTrue(three[0] > 15, "three Workers consume at the rate: " + three[0] + "/s");
    }

    @Test
    void faultsFromTheCommandLineAreInForceFromTheStartAndListed() throws Exception {
        Run r = run("--duration", "6s", "--rate", "20", "--output", "json", "--greeter-port", "0", "--interval", "1s",
                "--fault", "greeter.errorRate=0.5", "--fault=worker.failBeforeCommit=0.1");
        endsClean(r);
        JsonNode first = r.statuses().get(0);
        assertEquals(List.of("greeter.errorRate=0.5", "worker.failBeforeCommit=0.1"), faults(first));
        assertEquals("True", condition(first, "FaultsActive").get("status").asText());
        assertTrue(r.stderr().contains("lifting the faults"), r.stderr());
    }

    @Test
    void badFaultsExitWith2NamingThem() throws Exception {
        Run r = run("--fault", "greeter.errRate=0.3", "--fault", "kafka.cutHost=maybe", "--fault",
                "worker.failBeforeCommit=2");
        assertEquals(2, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("unknown fault 'greeter.errRate'"), r.stderr());
        assertTrue(r.stderr().contains("kafka.cutHost: 'maybe' is not true or false"), r.stderr());
        assertTrue(r.stderr().contains("worker.failBeforeCommit: 2 is out of range [0, 1]"), r.stderr());
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
