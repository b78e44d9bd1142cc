package dev.interactiondemo.common;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How every program starts and stops: --help, the exit statuses and their messages, closing in order. */
class ProgramTest {
    static final Option PORT = Option.of("DEMO_PORT", "port", "8080", "the port");
    static final List<Option> OPTIONS = List.of(PORT);

    /** A program whose output, errors and exit statuses are kept, not printed or acted on. */
    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<Integer> exits = new CopyOnWriteArrayList<>();
        final Program program = new Program("demo", "demo [options]", OPTIONS, Map.of("DEMO_PORT", "9000"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                exits::add);

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Reads the port as every program reads its configuration: all problems at once, or none. */
    private static int port(Settings s) {
        int port = s.integer(PORT, 0, 65535);
        s.validate();
        return port;
    }

    @Test
    void helpPrintsTheUsageAndStartsNothing() {
        Run run = new Run();
        run.program.serve(new String[] {"--help"}, s -> {
            throw new AssertionError("started");
        });
        run.program.run(new String[] {"-h"}, s -> {
            throw new AssertionError("prepared");
        });
        assertEquals(List.of(), run.exits, "--help exits as main returns: 0");
        assertTrue(run.out().startsWith("Usage: demo [options]"), run.out());
        assertTrue(run.out().contains("--port") && run.out().contains("DEMO_PORT")
                && run.out().contains("[default: 8080]"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void aBadValueExitsWith2NamingIt() {
        Run run = new Run();
        run.program.serve(new String[] {"--port=http", "--bogus=1"}, s -> {
            port(s);
            return List.of();
        });
        assertEquals(List.of(Program.BAD_CONFIGURATION), run.exits);
        assertTrue(run.err().startsWith("demo: invalid configuration:"), run.err());
        assertTrue(run.err().contains("DEMO_PORT (--port): 'http' is not a whole number"), run.err());
        assertTrue(run.err().contains("unknown flag --bogus"), run.err());

        Run job = new Run();
        job.program.run(new String[] {"--port=-1"}, s -> () -> port(s));
        assertEquals(List.of(Program.BAD_CONFIGURATION), job.exits);
        assertTrue(job.err().contains("DEMO_PORT (--port): -1 is out of range [0, 65535]"), job.err());
    }

    @Test
    void aPortInUseExitsWith1NamingTheSetting() {
        Run run = new Run();
        run.program.serve(new String[0], s -> {
            throw new PortInUseException(port(s), PORT.label(), null);
        });
        assertEquals(List.of(Program.FAILED), run.exits);
        assertEquals("demo: port 9000 is already in use; free it or choose another with DEMO_PORT (--port)\n",
                run.err());
    }

    @Test
    void anyOtherFailureToStartExitsWith1WithItsStackTrace() {
        Run run = new Run();
        run.program.serve(new String[0], s -> {
            throw new IllegalStateException("no broker");
        });
        assertEquals(List.of(Program.FAILED), run.exits);
        assertTrue(run.err().startsWith("demo: java.lang.IllegalStateException: no broker"), run.err());
        assertTrue(run.err().contains("\tat "), "with the stack trace: " + run.err());
    }

    @Test
    void aServiceRunsUntilStoppedThenClosesItsPartsInOrder() throws Exception {
        Run run = new Run();
        List<String> closed = new CopyOnWriteArrayList<>();
        List<Integer> ports = new ArrayList<>();
        Thread main = new Thread(() -> run.program.serve(new String[] {"--port", "7000"}, s -> {
            ports.add(port(s));
            return List.of(() -> closed.add("server"), () -> {
                throw new IllegalStateException("stuck");
            }, () -> closed.add("http"));
        }));
        main.start();
        main.join(300);
        assertTrue(main.isAlive(), "it runs until stopped");
        assertEquals(List.of(7000), ports, "the flag overrides the environment");

        run.program.stop(); // what SIGTERM does
        main.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(main.isAlive(), "serve returns once stopped");
        assertEquals(List.of("server", "http"), closed, "every part closed, in order, a failing one too");
        assertEquals("demo: while stopping: java.lang.IllegalStateException: stuck\n", run.err());
        run.program.stop();
        assertEquals(List.of("server", "http"), closed, "once");
        assertEquals(List.of(), run.exits);
    }

    @Test
    void aServiceThatCanNoLongerWorkExitsWith1UnlessItIsStopping() {
        Run run = new Run();
        run.program.fail("the broker exited");
        assertEquals(List.of(Program.FAILED), run.exits);
        assertEquals("demo: the broker exited\n", run.err());

        Run stopping = new Run();
        stopping.program.stop();
        stopping.program.fail("the broker exited");
        assertEquals(List.of(), stopping.exits, "a part that ends because the service stops is no failure");
    }

    @Test
    void aJobExitsWithItsStatus() {
        Run done = new Run();
        done.program.run(new String[0], s -> () -> port(s) == 9000 ? Program.OK : 3);
        assertEquals(List.of(Program.OK), done.exits);

        Run failed = new Run();
        failed.program.run(new String[0], s -> () -> {
            throw new java.io.IOException("disk full");
        });
        assertEquals(List.of(Program.FAILED), failed.exits);
        assertTrue(failed.err().startsWith("demo: java.io.IOException: disk full"), failed.err());

        Run stoppable = new Run();
        stoppable.program.run(new String[0], s -> new Program.StoppableJob() {
            @Override
            public int run() {
                return 4;
            }

            @Override
            public void requestStop() {
                throw new AssertionError("nobody asked it to stop");
            }
        });
        assertEquals(List.of(4), stoppable.exits);
    }
}
