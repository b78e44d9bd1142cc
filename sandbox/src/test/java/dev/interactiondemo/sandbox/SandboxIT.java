package dev.interactiondemo.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.engine.lesson.LessonCatalogue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable jar, run as users run it: {@code java -jar interaction-demo-sandbox.jar ...}. Every catalogue lesson runs
 * through {@code --scenario}, a few at a time (each sandbox on free ports), started before the tests that check them.
 */
class SandboxIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sandboxes running lessons at once: each is a broker's JVM and the sandbox's; the machines have 2 cores. */
    private static final int LESSONS_AT_ONCE = 3;
    private static final Map<String, Future<Run>> LESSONS = new LinkedHashMap<>();
    private static ExecutorService pool;

    /** A run's output: with {@code --output json}, one status per line, and a lesson's status on the last. */
    record Run(int exit, List<String> stdout, String stderr) {
        /** The final demo status. */
        JsonNode last() throws Exception {
            List<JsonNode> all = statuses();
            return all.get(all.size() - 1);
        }

        /** The demo statuses, the final one last (the lesson's status, if any, left out). */
        List<JsonNode> statuses() throws Exception {
            List<JsonNode> all = new ArrayList<>();
            for (String line : stdout) {
                JsonNode n = JSON.readTree(line);
                if (!n.has("phase")) {
                    all.add(n);
                }
            }
            return all;
        }

        /** The lesson's status: the last line. */
        JsonNode lesson() throws Exception {
            JsonNode n = JSON.readTree(stdout.get(stdout.size() - 1));
            assertTrue(n.has("phase"), "the last line is the lesson's status: " + n);
            return n;
        }
    }

    @BeforeAll
    static void startTheLessons() throws Exception {
        pool = Executors.newFixedThreadPool(LESSONS_AT_ONCE);
        // The longest first, so that the short ones fill the gaps.
        List<String> names = new ArrayList<>(List.of("scale-out", "sync-vs-async", "pull-model", "greeter-errors",
                "duplicates"));
        LessonCatalogue.NAMES.stream().filter(n -> !names.contains(n)).forEach(names::add);
        for (String name : names) {
            LESSONS.put(name, pool.submit(() -> lessonRun("--scenario", name)));
        }
        Path failing = Files.createTempFile("lesson", ".yaml");
        Files.writeString(failing, """
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionLesson
                metadata:
                  name: nothing-gets-lost
                spec:
                  demo: ignored-in-the-sandbox
                  steps:
                  - name: watch
                    hold: 5s
                  hypotheses:
                  - {figure: lost, is: above, value: 0, says: "something gets lost"}
                """);
        failing.toFile().deleteOnExit();
        LESSONS.put("file", pool.submit(() -> lessonRun("--lesson", failing.toString())));
        LESSONS.put("cut-short", pool.submit(() -> lessonRun("--scenario", "worker-outage", "--duration", "8s")));
        pool.shutdown();
    }

    @AfterAll
    static void stopTheLessons() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private static Run run(String... args) throws Exception {
        return run(180, args);
    }

    private static Run run(int timeoutSeconds, String... args) throws Exception {
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
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the sandbox did not finish: " + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readAllLines(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A lesson at the default rate, as on a cluster; its status as JSON every second. */
    private static Run lessonRun(String... lesson) throws Exception {
        List<String> args = new ArrayList<>(List.of("--output", "json", "--greeter-port", "0", "--interval", "1s"));
        args.addAll(List.of(lesson));
        return run(400, args.toArray(String[]::new));
    }

    /** The run of a lesson started before the tests. */
    private static Run lesson(String name) throws Exception {
        return LESSONS.get(name).get(20, TimeUnit.MINUTES);
    }

    /** The catalogue lesson passed: exit 0, phase Passed, every hypothesis Passed, the verdicts also said on stderr. */
    private static Run passed(String name) throws Exception {
        Run r = lesson(name);
        JsonNode lesson = r.lesson();
        assertEquals(0, r.exit(), verdicts(lesson) + r.stderr());
        assertEquals("Passed", lesson.get("phase").asText(), verdicts(lesson));
        assertEquals(name, lesson.get("lesson").asText());
        assertTrue(lesson.get("hypotheses").size() > 0);
        for (JsonNode h : lesson.get("hypotheses")) {
            assertEquals("Passed", h.get("verdict").asText(), verdicts(lesson));
            assertTrue(h.hasNonNull("evidence"), h.toString());
        }
        assertTrue(r.stderr().contains("Lesson " + name + ": Passed"), r.stderr());
        assertTrue(r.stderr().contains("Hypotheses:"), r.stderr());
        assertEquals(List.of(), faults(r.last()), "everything switched is given back");
        System.out.println("lesson " + name + ":\n" + verdicts(lesson));
        return r;
    }

    private static String verdicts(JsonNode lesson) {
        StringBuilder b = new StringBuilder();
        for (JsonNode h : lesson.path("hypotheses")) {
            b.append(String.format("  %s %s: %s: %s%n", h.path("verdict").asText(), h.path("step").asText("-"),
                    h.path("hypothesis").asText(), h.path("evidence").asText()));
        }
        for (JsonNode t : lesson.path("timeline")) {
            b.append(String.format("    %s %s %s%n", t.path("at").asText(), t.path("step").asText(""),
                    t.path("text").asText()));
        }
        return b.toString();
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
        Run r = passed("worker-outage");
        boolean stalledSeen = false;
        long maxLag = 0;
        for (JsonNode s : r.statuses()) {
            maxLag = Math.max(maxLag, s.get("messages").get("lag").asLong());
            if (s.get("worker").get("replicas").asInt() == 0) {
                stalledSeen |= condition(s, "MessagesFlowing").get("status").asText().equals("False");
                assertEquals("True", condition(s, "HostAvailable").get("status").asText(),
                        "the Host keeps publishing while no Worker runs");
            }
        }
        assertTrue(stalledSeen, "MessagesFlowing=False while no Worker ran:\n" + summary(r));
        assertTrue(maxLag >= 10, "lag grew to " + maxLag);
        endsClean(r);
    }

    @Test
    void aDeadGreeterBlocksTheHost() throws Exception {
        Run r = passed("greeter-outage");
        boolean blockedSeen = false;
        for (JsonNode s : r.statuses()) {
            // the Host is not ready while its synchronous dependency is down (once its calls have failed)
            blockedSeen |= condition(s, "GreeterAvailable").get("status").asText().equals("False")
                    && s.get("messages").get("producedPerSecond").asDouble() == 0.0
                    && condition(s, "HostAvailable").get("status").asText().equals("False");
        }
        assertTrue(blockedSeen, "nothing produced, the Host not ready, while the Greeter was down:\n" + summary(r));
        assertTrue(r.last().get("greeter").get("failures").asLong() > 0);
        endsClean(r);
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
        endsClean(r, 0);
    }

    private static void endsClean(Run r, int exit) throws Exception {
        assertEquals(exit, r.exit(), r.stderr());
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
        Run r = passed("greeter-errors");
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
        Run r = passed("greeter-unavailable");
        endsClean(r);
        boolean blocked = false;
        boolean drained = false;
        for (JsonNode s : r.statuses()) {
            if (faults(s).contains("greeter.unavailable=true")
                    && s.get("messages").get("producedPerSecond").asDouble() == 0.0) {
                blocked = true;
                assertEquals("NOT_SERVING", s.get("greeter").get("serving").asText());
                assertEquals("False", condition(s, "GreeterAvailable").get("status").asText());
                assertEquals("True", condition(s, "WorkerAvailable").get("status").asText(),
                        "the Worker keeps running");
                drained |= s.get("messages").get("lag").asLong() == 0;
            }
        }
        assertTrue(blocked, "nothing produced while the Greeter refused calls:\n" + summary(r));
        assertTrue(drained, "the Worker drained what waited:\n" + summary(r));
    }

    @Test
    void aWorkerFailingBeforeItsCommitDuplicatesButLosesNothing() throws Exception {
        Run r = passed("duplicates");
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
        Run r = passed("kafka-cut");
        endsClean(r);
        long producedDuringCut = -1;
        int flat = 0;
        long previous = -1;
        for (JsonNode s : r.statuses()) {
            long produced = s.get("messages").get("produced").asLong();
            if (faults(s).contains("kafka.cutHost=true")) {
                assertTrue(condition(s, "FaultsActive").get("message").asText().contains("proxy"));
                assertEquals("SERVING", s.get("greeter").get("serving").asText(), "the Greeter keeps answering");
                if (produced == previous && s.get("messages").get("producedPerSecond").asDouble() == 0) {
                    flat++;
                }
                producedDuringCut = produced;
            }
            previous = produced;
        }
        assertTrue(flat >= 3, "produced stood still while the Host was cut off:\n" + summary(r));
        assertTrue(r.last().get("messages").get("produced").asLong() > producedDuringCut,
                "produced rises again after the cut:\n" + summary(r));
    }

    @Test
    void moreWorkersDrainFasterUpToOnePerPartition() throws Exception {
        Run r = passed("scale-out");
        int most = 0;
        for (JsonNode s : r.statuses()) {
            most = Math.max(most, s.get("worker").get("replicas").asInt());
        }
        assertEquals(4, most, "the lesson ran four Workers on three partitions");
        boolean idleSeen = false;
        for (JsonNode s : r.statuses()) {
            for (JsonNode member : s.get("worker").path("members")) {
                idleSeen |= member.path("partitions").isEmpty();
            }
        }
        assertTrue(idleSeen, "a member of the group held no partition");
        assertEquals(1, r.last().get("worker").get("replicas").asInt(), "the Workers given back: one");
        endsClean(r);
    }

    @Test
    void notificationsWaitUntilAWorkerPullsThem() throws Exception {
        endsClean(passed("pull-model"));
    }

    @Test
    void asyncCallsOutrunSyncOnASlowGreeter() throws Exception {
        endsClean(passed("sync-vs-async"));
    }

    @Test
    void aRewoundGroupProcessesWhatItHadAgainAsPredicted() throws Exception {
        Run r = passed("replay");
        long predicted = r.lesson().get("predictedDuplicates").asLong();
        assertTrue(predicted > 0, "the rewind predicted duplicates");
        long consumedBefore = 0;
        boolean movedBack = false;
        for (JsonNode s : r.statuses()) {
            long consumed = s.get("messages").get("consumed").asLong();
            movedBack |= consumed < consumedBefore;
            consumedBefore = consumed;
        }
        assertTrue(movedBack, "the group's committed offsets moved back:\n" + summary(r));
        endsClean(r);
    }

    @Test
    void aLessonFileWhoseHypothesisCannotHoldFailsWithItsEvidence() throws Exception {
        Run r = lesson("file");
        assertEquals(1, r.exit(), r.stderr());
        JsonNode lesson = r.lesson();
        assertEquals("Failed", lesson.get("phase").asText(), verdicts(lesson));
        JsonNode h = lesson.get("hypotheses").get(0);
        assertEquals("Failed", h.get("verdict").asText(), verdicts(lesson));
        assertEquals("something gets lost", h.get("says").asText());
        assertTrue(h.get("evidence").asText().contains("lost 0"), verdicts(lesson));
        assertTrue(r.stderr().contains("Lesson nothing-gets-lost: Failed"), r.stderr());
        assertTrue(r.stderr().contains("Failed       lost above 0"), r.stderr());
        endsClean(r, 1);
    }

    @Test
    void aDurationShorterThanTheLessonCutsItShortAndFails() throws Exception {
        Run r = lesson("cut-short");
        assertEquals(1, r.exit(), r.stderr());
        assertEquals("Aborted", r.lesson().get("phase").asText(), verdicts(r.lesson()));
        assertTrue(r.stderr().contains("cut short: SANDBOX_DURATION (--duration) 8s ended the run before the lesson"),
                r.stderr());
        assertEquals(1, r.last().get("worker").get("replicas").asInt(), "what the lesson switched is given back");
        endsClean(r, 1);
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
