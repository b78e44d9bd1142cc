package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.greeter.GreeterFaults;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notifier.DeliveryAudit;
import dev.interactiondemo.notifier.KafkaSecurityFiles;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import dev.interactiondemo.notifier.WorkerFaults;
import dev.interactiondemo.common.GreeterHealthCheck;
import dev.interactiondemo.kafka.OffsetReader;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.kafka.KafkaFailures;
import dev.interactiondemo.kafka.KafkaReadException;
import dev.interactiondemo.kafka.TopicAdmin;
import io.grpc.Grpc;
import io.opentelemetry.api.OpenTelemetry;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole lesson on one machine: a real Kafka broker (KRaft), the Greeter, one Host and one Worker, and
 * reports every interval the status the operator would write. {@link #run} returns the exit status: 0 when messages
 * went end to end and none was lost.
 *
 * <p>The Host reaches Kafka through a {@link KafkaProxy} (the broker advertises the proxy's address on the Host's
 * listener), so that {@code kafka.cutHost} cuts the Host, and only the Host, off. With
 * {@code --kafka-security scram} or {@code mtls} there is no proxy (its listener is plaintext): the Host and the
 * Workers connect to the broker's secured listener directly, each as a Kafka user of its own ({@link SandboxKafkaUsers}),
 * and the cut is refused. The sandbox's own readings always use the PLAINTEXT listener, as a super user. The parts
 * can be stopped and started and the faults switched while it runs: by a {@link SandboxOptions.Scenario}, or from
 * the {@link WebPage}.
 */
public final class Sandbox implements Program.StoppableJob {
    static final String TOPIC = Defaults.TOPIC;
    static final String GROUP = Defaults.GROUP_ID;
    /** The Host's id in its notifications. */
    private static final String PRODUCER_ID = "sandbox-host";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GREETER_START_TIMEOUT = Duration.ofSeconds(10);
    /** The broker's listener that only the Host uses, through the proxy. */
    private static final String HOST_LISTENER = "HOST";

    private final SandboxOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final StatusView view;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private LocalKafkaBroker kafka;
    /** Between the Host and Kafka; null with a secured Kafka. */
    private KafkaProxy proxy;
    /** The users and files of a secured Kafka; null with none. */
    private SandboxKafkaUsers access;
    private Admin admin;
    private final GreeterFaults greeterFaults = new GreeterFaults();
    private final WorkerFaults workerFaults = new WorkerFaults();
    private FaultSwitches faults;
    private volatile GreeterServer greeter;
    private volatile boolean greeterRunning;
    private int greeterPort;
    private ManagedChannel probeChannel;
    private NotificationHost host;
    /** The Workers running, all in one group; empty while stopped. */
    private volatile List<NotificationWorker> workers = List.of();
    private WebPage web;
    private final History history = new History(900);
    private final SandboxStatus status;
    /** One audit per Worker (an audit is its Worker's alone), kept across a stop and start. */
    private final List<DeliveryAudit> audits = new ArrayList<>();

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
        stopRequested.countDown();
    }

    @Override
    public int run() {
        try {
            start();
            long started = System.nanoTime();
            boolean outageStarted = false;
            boolean outageEnded = false;
            while (true) {
                long elapsed = System.nanoTime() - started;
                if (options.duration().isPresent()) {
                    long total = options.duration().get().toNanos();
                    if (elapsed >= total) {
                        break;
                    }
                    if (!outageStarted && elapsed >= total / 3) {
                        outageStarted = true;
                        beginOutage();
                    }
                    if (outageStarted && !outageEnded && elapsed >= 2 * total / 3) {
                        outageEnded = true;
                        endOutage();
                    }
                }
                long wait = options.interval().toNanos();
                if (options.duration().isPresent()) {
                    wait = Math.min(wait, Math.max(1, options.duration().get().toNanos() - elapsed));
                }
                if (stopRequested.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                view.show(observe(false));
            }
            if (outageStarted && !outageEnded) {
                endOutage();
            }
            return finish();
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
        faults = new FaultSwitches(greeterFaults, workerFaults, proxy);
        options.faults().forEach(faults::apply);
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
        startGreeter(options.greeterPort());
        greeterPort = greeter.port();
        probeChannel = Grpc.newChannelBuilder("localhost:" + greeterPort, InsecureChannelCredentials.create()).build();
        startWorker();
        awaitGreeterServing();
        host = new NotificationHost(hostConfig(), Metrics.newRegistry()).start();
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
                options.scenario() == SandboxOptions.Scenario.NONE ? "" : "; scenario " + options.scenario().label(),
                options.faults().isEmpty() ? "" : "; faults " + options.faults());
        if (access != null) {
            err.printf("sandbox: Kafka security %s: %s, least-privilege ACLs; their files in %s until exit%n",
                    options.kafkaSecurity().label(), access.describe(), access.directory());
        }
        if (web != null) {
            err.printf("sandbox: web page at http://localhost:%d/%n", web.port());
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

    private void startGreeter(int port) {
        greeter = GreeterServer.start(port, "--greeter-port",
                new GreeterImpl(Defaults.MAX_NAME_LENGTH, options.greeterDelay(), greeterFaults),
                Metrics.newRegistry());
        greeterRunning = true;
    }

    private void startWorker() {
        List<NotificationWorker> started = new ArrayList<>();
        for (int i = 0; i < options.workers(); i++) {
            if (audits.size() <= i) {
                audits.add(new DeliveryAudit());
            }
            started.add(new NotificationWorker(workerConfig(), Metrics.newRegistry(), audits.get(i), workerFaults,
                    OpenTelemetry.noop()).start());
        }
        workers = List.copyOf(started);
    }

    // Controls, for scenarios and the page. Each is idempotent.

    /** Stops the Greeter (its port closes): the Host's calls fail. */
    synchronized void stopGreeter() {
        if (greeterRunning) {
            err.println("sandbox: stopping the Greeter; the Host's synchronous calls now fail");
            greeterRunning = false;
            greeter.close();
        }
    }

    synchronized void startGreeter() {
        if (!greeterRunning) {
            err.println("sandbox: the Greeter is back");
            startGreeter(greeterPort);
        }
    }

    /** Stops the Workers: messages wait in Kafka. */
    synchronized void stopWorker() {
        List<NotificationWorker> running = workers;
        if (!running.isEmpty()) {
            err.println("sandbox: stopping the Worker" + (running.size() > 1 ? "s" : "")
                    + "; messages now wait in Kafka");
            workers = List.of();
            running.forEach(this::closeQuietly);
        }
    }

    synchronized void startWorker(String why) {
        if (workers.isEmpty()) {
            err.println("sandbox: the Worker is back; it resumes from its committed offsets" + why);
            startWorker();
        }
    }

    /** Switches a fault; an {@link IllegalArgumentException} if this run cannot have it (the cut, when secured). */
    synchronized void applyFault(FaultSetting f) {
        faults.apply(f);
        err.println("sandbox: fault " + f + "; in force: " + faults.active());
    }

    /** What the page shows beside the status: which parts run, the switches, the run's settings. */
    synchronized Map<String, Object> controls() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("greeterRunning", greeterRunning);
        c.put("workerRunning", !workers.isEmpty());
        c.put("workers", options.workers());
        Map<String, Object> f = new LinkedHashMap<>();
        GreeterFaults.Snapshot g = greeterFaults.snapshot();
        f.put(FaultSetting.GREETER_ERROR_RATE, g.errorRate());
        f.put(FaultSetting.GREETER_UNAVAILABLE, g.unavailable());
        f.put(FaultSetting.WORKER_FAIL_BEFORE_COMMIT, workerFaults.failBeforeCommit());
        f.put(FaultSetting.KAFKA_CUT_HOST, isCut());
        c.put("faults", f);
        c.put("rate", options.rate());
        c.put("callMode", options.callMode());
        c.put("partitions", options.partitions());
        c.put("scenario", options.scenario().label());
        c.put("interval", options.interval().toMillis());
        c.put("greeter", "localhost:" + greeterPort);
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

    private boolean isCut() {
        return proxy != null && proxy.isCut();
    }

    History history() {
        return history;
    }

    /** The Host's: through the proxy, or secured, directly to its listener as its own user. */
    private NotifierConfig hostConfig() {
        return NotifierConfig.of(proxy != null ? "localhost:" + proxy.port() : clientBootstrapServers(),
                access == null ? KafkaSecurityFiles.NONE : access.notifierFiles(true), TOPIC,
                NotifierConfig.host("localhost:" + greeterPort, options.rate(),
                        NotifierConfig.CallMode.valueOf(options.callMode().toUpperCase(Locale.ROOT)),
                        options.maxInFlight(), PRODUCER_ID));
    }

    private NotifierConfig workerConfig() {
        return NotifierConfig.of(clientBootstrapServers(),
                access == null ? KafkaSecurityFiles.NONE : access.notifierFiles(false), TOPIC,
                NotifierConfig.worker(GROUP, options.processingDelay()));
    }

    private void beginOutage() {
        SandboxOptions.Scenario scenario = options.scenario();
        err.println("sandbox: scenario " + scenario.label() + " begins");
        switch (scenario) {
            case GREETER_OUTAGE -> stopGreeter();
            case WORKER_OUTAGE -> stopWorker();
            case NONE -> {
            }
            default -> applyFault(scenario.fault());
        }
    }

    private void endOutage() {
        SandboxOptions.Scenario scenario = options.scenario();
        err.println("sandbox: scenario " + scenario.label() + " ends");
        switch (scenario) {
            case GREETER_OUTAGE -> startGreeter();
            case WORKER_OUTAGE -> startWorker("");
            case NONE -> {
            }
            default -> applyFault(FaultSetting.off(scenario.fault().name()));
        }
    }

    /**
     * Lifts every fault and restarts what is stopped, stops the Host (it flushes), lets the Worker drain what waits
     * in Kafka, and reports the final status.
     */
    private int finish() {
        synchronized (this) {
            if (!faults.active().isEmpty()) {
                err.println("sandbox: finishing: lifting the faults " + faults.active());
                faults.clear();
            }
            startGreeter();
            startWorker(" (finishing: draining what waits)");
        }
        host.close();
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
        KafkaReading reading = null;
        String kafkaProblem = null;
        TopicObservation topic;
        try {
            reading = new OffsetReader(admin, Duration.ofSeconds(3), Clock.systemUTC()).read(TOPIC, GROUP);
            topic = TopicObservation.ready("Exists", "topic " + TOPIC + " exists", options.partitions());
        } catch (KafkaReadException e) {
            kafkaProblem = e.getMessage();
            topic = TopicObservation.notReady(e.kind() == KafkaReadException.Kind.TOPIC_MISSING ? "TopicMissing"
                    : "KafkaUnreachable", e.getMessage());
        }
        InteractionDemoStatus status = this.status.next(new SandboxStatus.Moment(Clock.systemUTC().instant(),
                greeterRunning, health, "localhost:" + greeterPort, topic, reading, kafkaProblem, host, workers,
                audits, faults.spec(), clientBootstrapServers()), summary);
        history.add(status);
        return status;
    }

    private void stopAll() {
        closeQuietly(web);
        closeQuietly(host);
        workers.forEach(this::closeQuietly);
        if (probeChannel != null) {
            probeChannel.shutdownNow();
        }
        closeQuietly(greeter);
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
