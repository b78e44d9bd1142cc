package dev.interactiondemo.common;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * How every program starts and ends: its settings from the environment and the command line, {@code --help}, the
 * exit statuses, and how it stops. A service ({@link #serve}) runs until SIGTERM or Ctrl-C, then closes what it
 * started; a job ({@link #run}) runs to an end of its own and exits with its status.
 *
 * <p>Exit statuses: {@value #OK} done (and after {@code --help}); {@value #FAILED} failed, e.g. a port in use
 * ({@link PortInUseException}, whose message names the setting to change); {@value #BAD_CONFIGURATION} bad
 * configuration ({@link ConfigException}, whose message names every bad value). Messages go to stderr, after the
 * program's name.
 */
public final class Program {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_CONFIGURATION = 2;
    /** How long a {@link StoppableJob} asked to stop gets to finish before the program exits anyway. */
    static final Duration STOP_GRACE = Duration.ofSeconds(60);

    /** A program that runs until it is stopped: the Greeter, the notifier, the operator, the Kafka broker. */
    @FunctionalInterface
    public interface Service {
        /**
         * Reads the configuration from {@code settings} and starts.
         *
         * @return what to close when the program stops, in that order
         */
        List<AutoCloseable> start(Settings settings);
    }

    /** A program that runs to an end of its own: the benchmarks. Ctrl-C or SIGTERM end it at once. */
    @FunctionalInterface
    public interface Job {
        /** Does the work; returns the exit status. */
        int run() throws Exception;
    }

    /**
     * A job that Ctrl-C or SIGTERM ask to finish early, gracefully: the sandbox. Its own status is still the exit
     * status, if it finishes within {@link #STOP_GRACE}; else the program exits with {@value #FAILED}.
     */
    public interface StoppableJob extends Job {
        /** Asks {@link #run} to end soon; called from the shutdown hook. */
        void requestStop();
    }

    private final String name;
    private final String synopsis;
    private final List<Option> options;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final IntConsumer exit;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile List<AutoCloseable> parts = List.of();

    Program(String name, String synopsis, List<Option> options, Map<String, String> env, PrintStream out,
            PrintStream err, IntConsumer exit) {
        this.name = name;
        this.synopsis = synopsis;
        this.options = List.copyOf(options);
        this.env = env;
        this.out = out;
        this.err = err;
        this.exit = exit;
    }

    /**
     * A program that reads the process's environment, prints to stdout and stderr and ends the JVM.
     *
     * @param name     how its messages start, e.g. {@code greeter}
     * @param synopsis the first line of {@code --help}, e.g. {@code greeter [options]}
     * @param options  what it reads from the environment and the command line
     */
    public static Program of(String name, String synopsis, List<Option> options) {
        return new Program(name, synopsis, options, System.getenv(), System.out, System.err, System::exit);
    }

    /**
     * The whole of a service's {@code main}: prints the usage on {@code --help}; otherwise starts the service, then
     * runs until SIGTERM or Ctrl-C, when it closes what the service returned, in order (a part that fails to close
     * is reported, and the rest still closed). Exits {@value #BAD_CONFIGURATION} on a {@link ConfigException}, and
     * {@value #FAILED} on any other failure to start.
     */
    public void serve(String[] args, Service service) {
        Optional<Settings> settings = settings(args);
        if (settings.isEmpty()) {
            return;
        }
        try {
            parts = List.copyOf(service.start(settings.get()));
        } catch (RuntimeException e) {
            exit.accept(failed(e));
            return;
        }
        Thread hook = new Thread(this::stop, name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // stopped by the hook itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The whole of a job's {@code main}: prints the usage on {@code --help}; otherwise prepares the job from the
     * settings, runs it and exits with its status. A {@link StoppableJob} is asked to stop on SIGTERM or Ctrl-C and
     * given {@link #STOP_GRACE} to finish. Exits {@value #BAD_CONFIGURATION} on a {@link ConfigException}, and
     * {@value #FAILED} on any other exception.
     */
    public void run(String[] args, Function<Settings, ? extends Job> prepare) {
        Optional<Settings> settings = settings(args);
        if (settings.isEmpty()) {
            return;
        }
        Job job;
        try {
            job = prepare.apply(settings.get());
        } catch (RuntimeException e) {
            exit.accept(failed(e));
            return;
        }
        exit.accept(job instanceof StoppableJob stoppable ? runStoppable(stoppable) : runCaught(job));
    }

    /**
     * Ends a running service that can no longer do its work, e.g. because what it runs died: prints why and exits
     * {@value #FAILED}, so that whatever runs it (the kubelet) restarts it. Does nothing once it is stopping.
     */
    public void fail(String reason) {
        if (!stopping.get()) {
            err.println(name + ": " + reason);
            exit.accept(FAILED);
        }
    }

    /** Closes the service's parts, in order, once; what SIGTERM and Ctrl-C do. */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                err.println(name + ": while stopping: " + e);
            }
        }
        stopped.countDown();
    }

    /** The settings, or empty after printing the usage for {@code --help}. */
    private Optional<Settings> settings(String[] args) {
        Settings settings = Settings.parse(options, args, env);
        if (settings.helpRequested()) {
            out.println(Settings.usage(synopsis, options));
            return Optional.empty();
        }
        return Optional.of(settings);
    }

    private int runStoppable(StoppableJob job) {
        AtomicInteger status = new AtomicInteger(FAILED);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            job.requestStop();
            try {
                finished.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The JVM is exiting already: only halt sets the status.
            Runtime.getRuntime().halt(status.get());
        }, name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        status.set(runCaught(job));
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook exits with the status
        }
        return status.get();
    }

    private int runCaught(Job job) {
        try {
            return job.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(e);
        } catch (Exception e) {
            return failed(e);
        }
    }

    /** Reports what went wrong and returns the exit status it calls for. */
    private int failed(Exception e) {
        if (e instanceof ConfigException) {
            err.println(name + ": " + e.getMessage());
            return BAD_CONFIGURATION;
        }
        if (e instanceof PortInUseException) {
            err.println(name + ": " + e.getMessage());
            return FAILED;
        }
        err.println(name + ": " + e);
        e.printStackTrace(err);
        return FAILED;
    }
}
