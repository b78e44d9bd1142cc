package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Durations;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notifier.KafkaSecurityFiles;
import dev.interactiondemo.common.GreeterHealthCheck;
import dev.interactiondemo.kafka.OffsetReader;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.kafka.KafkaFailures;
import dev.interactiondemo.kafka.KafkaReadException;
import dev.interactiondemo.kafka.TopicAdmin;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole lesson on one machine: a real Kafka broker (KRaft), the Greeter, one Host and one Worker, and
 * reports every interval the status the operator would write. {@link #run} returns the exit status: with a lesson,
 * 0 when it Passed; without, 0 when messages went end to end and none was lost.
 *
 * <p>The Host reaches Kafka through a {@link KafkaProxy} (the broker advertises the proxy's address on the Host's
 * listener), so that {@code kafka.cutHost} cuts the Host, and only the Host, off. With
 * {@code --kafka-security scram} or {@code mtls} there is no proxy (its listener is plaintext): the Host and the
 * Workers connect to the broker's secured listener directly, each as a Kafka user of its own ({@link SandboxKafkaUsers}),
 * and the cut is refused. The sandbox's own readings always use the PLAINTEXT listener, as a super user. The parts
 * ({@link SandboxParts}) can be stopped and started and the faults switched while it runs: by a lesson
 * ({@link SandboxLesson}: {@code --scenario}, {@code --lesson}), or from the {@link WebPage}.
 */
public final class Sandbox implements Program.StoppableJob {
    static final String TOPIC = Defaults.TOPIC;
    static final String GROUP = Defaults.GROUP_ID;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GREETER_START_TIMEOUT = Duration.ofSeconds(10);
    /** How long an aborted lesson may take to give back what it switched. */
    private static final Duration ABORT_TIMEOUT = Duration.ofSeconds(60);
    /** The broker's listener that only the Host uses, through the proxy. */
    private static final String HOST_LISTENER = "HOST";

    private final SandboxOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final StatusView view;
    /** Counted down when the run should end: asked to stop, or the lesson ended. */
    private final CountDownLatch wake = new CountDownLatch(1);
    private volatile boolean stopRequested;

    private LocalKafkaBroker kafka;
    /** Between the Host and Kafka; null with a secured Kafka. */
    private KafkaProxy proxy;
    /** The users and files of a secured Kafka; null with none. */
    private SandboxKafkaUsers access;
    private Admin admin;
    private SandboxParts parts;
    private ManagedChannel probeChannel;
    private WebPage web;
    private SandboxLesson lesson;
    private final History history = new History(900);
    private final SandboxStatus status;

    public Sandbox(SandboxOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.view = options.output().equals("json") ? new JsonView(out) : new TableView(out);
        this.status = new SandboxStatus(options);
    }

    /** Asks a running sandbox to finish: stop the Host, drain, report, clean up. */
    @Override
    public void requestStop() {
        stopRequested = true;
        wake.countDown();
    }

    @Override
    public int run() {
        try {
            start();
            long started = System.nanoTime();
            boolean durationOver = false;
            while (true) {
                long wait = options.interval().toNanos();
                if (options.duration().isPresent()) {
                    long left = options.duration().get().toNanos() - (System.nanoTime() - started);
                    if (left <= 0) {
                        durationOver = true;
                        break;
                    }
                    wait = Math.min(wait, left);
                }
                if (wake.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                view.show(observe(false));
            }
            int lessonExit = endLesson(durationOver);
            int exit = finish();
            if (lesson != null) {
                LessonReport.print(options.lesson().get().name(), lesson.status(), lesson.problem(),
                        options.output().equals("json") ? err : out, options.output().equals("json") ? out : null);
                return lessonExit;
            }
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sandbox: interrupted");
            return 130;
        } catch (RuntimeException e) {
            err.println("sandbox: " + e.getMessage());
            return 1;
        } finally {
            stopAll();
        }
    }

    /** Ends a lesson the run ends before it did (cut short by --duration, or Ctrl-C); its exit status. */
    private int endLesson(boolean durationOver) throws InterruptedException {
        if (lesson == null) {
            return 0;
        }
        if (!lesson.ended()) {
            String why = durationOver ? "cut short: " + SandboxOptions.DURATION.label() + " "
                    + Durations.format(options.duration().get()) + " ended the run before the lesson"
                    : "the run was stopped before the lesson ended";
            lesson.abort(why, ABORT_TIMEOUT);
            err.println("sandbox: FAILED: lesson " + options.lesson().get().name() + " " + why);
            return 1;
        }
        return lesson.exitStatus();
    }

    private void start() {
        LocalKafkaBroker.Builder broker = LocalKafkaBroker.builder().port(options.kafkaPort());
        if (options.kafkaSecurity() == SandboxOptions.KafkaSecurity.NONE) {
            proxy = new KafkaProxy();
            broker.extraListener(HOST_LISTENER, "localhost:" + proxy.port());
        } else {
            access = SandboxKafkaUsers.create(options.kafkaSecurity());
            broker.secured(access.serverTls());
        }
        kafka = broker.start();
        if (proxy != null) {
            proxy.forwardTo(kafka.listenerPort(HOST_LISTENER));
        }
        admin = KafkaConnection.plaintext(kafka.bootstrapServers()).admin("sandbox", Duration.ofSeconds(30));
        TopicObservation topic = TopicAdmin.ensureAll(admin, Map.of(TOPIC, new TopicAdmin.Want(TOPIC, true,
                options.partitions(), 1, Map.of(), null, true)), KafkaFailures.principal(KafkaClientSecurity.NONE))
                .get(TOPIC);
        if (!topic.ready()) {
            throw new IllegalStateException("cannot create topic " + TOPIC + ": " + topic.message());
        }
        if (access != null) {
            access.grant(kafka, TOPIC, GROUP);
        }
        parts = new SandboxParts(options, err, new SandboxParts.Wiring(
                proxy != null ? "localhost:" + proxy.port() : clientBootstrapServers(), clientBootstrapServers(),
                access == null ? KafkaSecurityFiles.NONE : access.notifierFiles(true),
                access == null ? KafkaSecurityFiles.NONE : access.notifierFiles(false)), proxy);
        int greeterPort = parts.startGreeterAndWorkers();
        probeChannel = Grpc.newChannelBuilder("localhost:" + greeterPort, InsecureChannelCredentials.create()).build();
        awaitGreeterServing();
        parts.startHost();
        if (options.web()) {
            web = WebPage.start(options.webPort(), this);
        }
        String kafkaWays = proxy != null
                ? kafka.bootstrapServers() + " (the Host's way in: localhost:" + proxy.port() + ")"
                : kafka.bootstrapServers() + " (PLAINTEXT: the sandbox's own readings, as a super user; the Host "
                + "and the Workers on " + access.listener() + " " + clientBootstrapServers() + ")";
        err.printf("sandbox: Kafka at %s, topic %s (%d partitions); Greeter at localhost:%d; Host: %s/s, %s calls; "
                        + "%d Worker%s%s%s%n",
                kafkaWays, TOPIC, options.partitions(), greeterPort, options.rate(), options.callMode(),
                options.workers(), options.workers() == 1 ? "" : "s",
                options.lesson().map(l -> "; lesson " + l.name()).orElse(""),
                options.faults().isEmpty() ? "" : "; faults " + options.faults());
        if (access != null) {
            err.printf("sandbox: Kafka security %s: %s, least-privilege ACLs; their files in %s until exit%n",
                    options.kafkaSecurity().label(), access.describe(), access.directory());
        }
        if (web != null) {
            err.printf("sandbox: web page at http://localhost:%d/%n", web.port());
        }
        if (options.lesson().isPresent()) {
            lesson = new SandboxLesson(options.lesson().get(), parts, admin, history, err, wake::countDown).start();
        }
    }

    /**
     * Waits (up to {@link #GREETER_START_TIMEOUT}) until the Greeter answers its health check SERVING, so that the
     * Host's first calls find it up: what the lesson shows of the Greeter is then the lesson, not its start-up.
     */
    private void awaitGreeterServing() {
        long deadline = System.nanoTime() + GREETER_START_TIMEOUT.toNanos();
        GreeterHealthCheck.Health health = GreeterHealthCheck.check(probeChannel, Duration.ofSeconds(1));
        while (!health.isServing() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
            health = GreeterHealthCheck.check(probeChannel, Duration.ofSeconds(1));
        }
        if (!health.isServing()) {
            throw new IllegalStateException("the Greeter did not answer its health check within "
                    + GREETER_START_TIMEOUT.toSeconds() + " s: " + health.serving() + " " + health.detail());
        }
    }

    SandboxParts parts() {
        return parts;
    }

    /** What the page shows beside the status: which parts run, the switches, the run's settings. */
    Map<String, Object> controls() {
        Map<String, Object> c = new LinkedHashMap<>(parts.controls());
        c.put("partitions", options.partitions());
        c.put("scenario", options.lesson().map(LessonChoice::name).orElse("none"));
        c.put("interval", options.interval().toMillis());
        c.put("greeter", "localhost:" + parts.greeterPort());
        c.put("kafka", kafka.bootstrapServers());
        c.put("kafkaSecurity", options.kafkaSecurity().label());
        if (access != null) {
            c.put("kafkaSecuredListener", access.listener() + " " + clientBootstrapServers());
        }
        return c;
    }

    /** Where the Workers (and, secured, the Host) connect: the PLAINTEXT listener, or the secured one. */
    private String clientBootstrapServers() {
        return access == null ? kafka.bootstrapServers() : kafka.bootstrapServers(access.listener());
    }

    History history() {
        return history;
    }

    /**
     * Lifts every fault and restarts what is stopped, stops the Host (it flushes), lets the Worker drain what waits
     * in Kafka, and reports the final status.
     */
    private int finish() {
        parts.liftEverything("finishing");
        parts.stopHost();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        InteractionDemoStatus status = observe(false);
        while (status.getMessages() != null && status.getMessages().getLag() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(250));
            status = observe(false);
        }
        status = observe(true);
        view.last(status);
        return SandboxStatus.verdict(status, DRAIN_TIMEOUT, err);
    }

    /** One observation of everything, turned into the status the operator would write (see {@link SandboxStatus}). */
    InteractionDemoStatus observe(boolean summary) {
        GreeterHealthCheck.Health health = GreeterHealthCheck.check(probeChannel, Duration.ofSeconds(1));
        OffsetReader.TopicReading reading = null;
        String kafkaProblem = null;
        TopicObservation topic;
        try {
            reading = new OffsetReader(admin, Duration.ofSeconds(3), Clock.systemUTC())
                    .readAll(Map.of(TOPIC, new OffsetReader.Subject(TOPIC, GROUP))).get(TOPIC);
            topic = reading.missing() == null
                    ? TopicObservation.ready("Exists", "topic " + TOPIC + " exists", options.partitions())
                    : TopicObservation.notReady("TopicMissing", reading.missing());
            kafkaProblem = reading.missing();
        } catch (KafkaReadException e) {
            kafkaProblem = e.getMessage();
            topic = TopicObservation.notReady(e.kind() == KafkaReadException.Kind.TOPIC_MISSING ? "TopicMissing"
                    : "KafkaUnreachable", e.getMessage());
        }
        InteractionDemoStatus status = this.status.next(new SandboxStatus.Moment(Clock.systemUTC().instant(),
                parts.greeterRunning(), health, "localhost:" + parts.greeterPort(), topic, reading, kafkaProblem,
                parts.hostProblem(), parts.hostStats(), parts.workers(), parts.audits(), parts.spec(),
                clientBootstrapServers()), summary);
        history.add(status);
        return status;
    }

    private void stopAll() {
        closeQuietly(web);
        closeQuietly(parts);
        if (probeChannel != null) {
            probeChannel.shutdownNow();
        }
        closeQuietly(admin);
        closeQuietly(proxy);
        closeQuietly(kafka);
        closeQuietly(access);
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            err.println("sandbox: while stopping: " + e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
