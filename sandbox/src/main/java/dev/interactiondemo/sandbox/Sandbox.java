package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterService;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notifier.DeliveryAudit;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import dev.interactiondemo.probes.Condition;
import dev.interactiondemo.probes.GreeterProbe;
import dev.interactiondemo.probes.KafkaReading;
import dev.interactiondemo.probes.MessageCounter;
import dev.interactiondemo.probes.MessageStats;
import dev.interactiondemo.probes.PartState;
import dev.interactiondemo.probes.ProbeException;
import dev.interactiondemo.probes.StatusConditions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole lesson on one machine: a real Kafka broker (KRaft), the Greeter, one Host and one Worker, and
 * reports every interval the status the operator would write. {@link #run} returns the exit status: 0 when messages
 * went end to end and none was lost.
 */
public final class Sandbox {
    static final String TOPIC = "notifications";
    static final String GROUP = "notification-workers";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final SandboxOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final StatusView view;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private LocalKafkaBroker kafka;
    private Admin admin;
    private GreeterServer greeter;
    private int greeterPort;
    private ManagedChannel probeChannel;
    private NotificationHost host;
    private NotificationWorker worker;
    private final DeliveryAudit audit = new DeliveryAudit();
    private KafkaReading firstReading;
    private KafkaReading lastReading;
    private List<Condition> lastConditions;

    public Sandbox(SandboxOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.view = options.output().equals("json") ? new JsonView(out) : new TableView(out);
    }

    /** Asks a running sandbox to finish: stop the Host, drain, report, clean up. */
    public void requestStop() {
        stopRequested.countDown();
    }

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
        kafka = LocalKafkaBroker.builder().port(options.kafkaPort()).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        try {
            admin.createTopics(List.of(new NewTopic(TOPIC, options.partitions(), (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + TOPIC + ": " + e.getMessage(), e);
        }
        startGreeter(options.greeterPort());
        greeterPort = greeter.port();
        probeChannel = Grpc.newChannelBuilder("localhost:" + greeterPort, InsecureChannelCredentials.create()).build();
        startWorker();
        host = new NotificationHost(notifierConfig("host"), Metrics.newRegistry()).start();
        err.printf("sandbox: Kafka at %s, topic %s (%d partitions); Greeter at localhost:%d; Host: %s/s, %s calls%s%n",
                kafka.bootstrapServers(), TOPIC, options.partitions(), greeterPort, options.rate(),
                options.callMode(), options.scenario() == SandboxOptions.Scenario.NONE ? ""
                        : "; scenario " + options.scenario().name().toLowerCase().replace('_', '-'));
    }

    private void startGreeter(int port) {
        greeter = GreeterServer.start(port, "--greeter-port", new GreeterService(256, options.greeterDelay()),
                Metrics.newRegistry());
    }

    private void startWorker() {
        worker = new NotificationWorker(notifierConfig("worker"), Metrics.newRegistry(), audit).start();
    }

    private NotifierConfig notifierConfig(String role) {
        List<String> args = new ArrayList<>(List.of(role,
                "--bootstrap-servers=" + kafka.bootstrapServers(),
                "--topic=" + TOPIC,
                "--greeter-target=localhost:" + greeterPort,
                "--rate=" + options.rate(),
                "--call-mode=" + options.callMode(),
                "--max-in-flight=" + options.maxInFlight(),
                "--group-id=" + GROUP,
                "--processing-delay=" + options.processingDelay().toMillis() + "ms",
                "--producer-id=sandbox-host"));
        return NotifierConfig.from(args.toArray(String[]::new), Map.of());
    }

    private void beginOutage() {
        switch (options.scenario()) {
            case GREETER_OUTAGE -> {
                err.println("sandbox: scenario: stopping the Greeter; the Host's synchronous calls now fail");
                greeter.close();
            }
            case WORKER_OUTAGE -> {
                err.println("sandbox: scenario: stopping the Worker; messages now wait in Kafka");
                worker.close();
                worker = null;
            }
            default -> {
            }
        }
    }

    private void endOutage() {
        switch (options.scenario()) {
            case GREETER_OUTAGE -> {
                err.println("sandbox: scenario: the Greeter is back");
                startGreeter(greeterPort);
            }
            case WORKER_OUTAGE -> {
                err.println("sandbox: scenario: the Worker is back; it resumes from its committed offsets");
                startWorker();
            }
            default -> {
            }
        }
    }

    /** Stops the Host (it flushes), lets the Worker drain what waits in Kafka, and reports the final status. */
    private int finish() {
        host.close();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        SandboxStatus status = observe(false);
        while (status.messages() != null && status.messages().lag() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(250));
            status = observe(false);
        }
        status = observe(true);
        view.last(status);
        SandboxStatus.Messages m = status.messages();
        if (m == null) {
            err.println("sandbox: FAILED: could not read message counts from Kafka");
            return 1;
        }
        if (m.consumed() == 0) {
            err.println("sandbox: FAILED: no message went end to end (produced " + m.produced() + ")");
            return 1;
        }
        if (m.lost() > 0) {
            err.println("sandbox: FAILED: " + m.lost() + " messages were lost");
            return 1;
        }
        if (m.lag() > 0) {
            err.println("sandbox: FAILED: " + m.lag() + " messages still waiting after " + DRAIN_TIMEOUT.toSeconds() + " s");
            return 1;
        }
        err.printf("sandbox: OK: %d produced, %d consumed, 0 lost, %d duplicates%n", m.produced(), m.consumed(),
                m.duplicates());
        return 0;
    }

    /**
     * One observation of everything, turned into the status the operator would write. Rates come from the previous
     * reading, or for the {@code summary} at the end, from the first reading of the run.
     */
    SandboxStatus observe(boolean summary) {
        GreeterProbe.Health health = GreeterProbe.check(probeChannel, Duration.ofSeconds(1));
        PartState greeterState = health.isServing()
                ? PartState.available("Serving", "gRPC health check: SERVING")
                : PartState.unavailable("NotServing", "gRPC health check: " + health.serving()
                + (health.detail().isEmpty() ? "" : " (" + health.detail() + ")"));

        MessageStats stats = null;
        boolean ratesKnown = (summary ? firstReading : lastReading) != null;
        String kafkaProblem = null;
        PartState topicState;
        try {
            KafkaReading reading = new MessageCounter(admin, Duration.ofSeconds(3), Clock.systemUTC()).read(TOPIC, GROUP);
            stats = MessageStats.of(summary ? firstReading : lastReading, reading);
            lastReading = reading;
            if (firstReading == null) {
                firstReading = reading;
            }
            topicState = PartState.available("Exists", "topic " + TOPIC + " exists");
        } catch (ProbeException e) {
            kafkaProblem = e.getMessage();
            topicState = PartState.unavailable(e.kind() == ProbeException.Kind.TOPIC_MISSING ? "TopicMissing"
                    : "KafkaUnreachable", e.getMessage());
        }
        Optional<String> hostProblem = host.notReadyReason();
        PartState producerState = hostProblem.map(p -> PartState.unavailable("NotReady", "Host: " + p))
                .orElse(PartState.available("Publishing", "Host publishing"));
        NotificationWorker w = worker;
        Optional<String> workerProblem = w == null ? Optional.of("stopped") : w.notReadyReason();
        PartState consumerState = workerProblem.map(p -> PartState.unavailable(w == null ? "Stopped" : "NotReady",
                "Worker: " + p)).orElse(PartState.available("Consuming", "Worker consuming"));

        List<Condition> conditions = StatusConditions.withTransitionTimes(lastConditions,
                StatusConditions.compute(greeterState, topicState, producerState, consumerState,
                        StatusConditions.messagesFlowing(stats, ratesKnown, kafkaProblem)),
                Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS));
        lastConditions = conditions;

        NotificationHost.Stats h = host.stats();
        NotificationWorker.Stats ws = w == null ? null : w.stats();
        SandboxStatus.Messages messages = stats == null ? null : new SandboxStatus.Messages(stats.produced(),
                stats.consumed(), stats.lag(), stats.producedPerSecond(), stats.consumedPerSecond(), audit.lost(),
                audit.duplicates(), ws == null ? 0 : round(ws.endToEndP50Ms()), ws == null ? 0 : round(ws.endToEndP99Ms()),
                stats.lastUpdated().toString());
        return new SandboxStatus(
                conditions.stream().map(c -> new SandboxStatus.ConditionView(c.type(), c.status(), c.reason(),
                        c.message(), String.valueOf(c.lastTransitionTime()))).toList(),
                new SandboxStatus.Greeter(health.serving(), "localhost:" + greeterPort),
                new SandboxStatus.Topic(TOPIC, topicState.available(), options.partitions()),
                new SandboxStatus.Producer(options.callMode(), options.rate(), h.sent(), h.sendFailures(),
                        h.greeterCalls(), h.greeterFailures(), hostProblem.orElse(null)),
                new SandboxStatus.Consumer(GROUP, w != null, workerProblem.orElse(null)),
                messages);
    }

    private void stopAll() {
        closeQuietly(host);
        closeQuietly(worker);
        if (probeChannel != null) {
            probeChannel.shutdownNow();
        }
        closeQuietly(greeter);
        closeQuietly(admin);
        closeQuietly(kafka);
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

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
