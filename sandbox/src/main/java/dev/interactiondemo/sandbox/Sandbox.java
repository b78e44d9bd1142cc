package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.status.WorkerStatus;
import dev.interactiondemo.api.status.DeliveryStatus;
import dev.interactiondemo.api.status.GreeterStatus;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.status.MessagesStatus;
import dev.interactiondemo.api.status.TopicStatus;
import dev.interactiondemo.api.status.WorkloadStatus;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.api.status.MessageStats;
import dev.interactiondemo.api.status.Faults;
import dev.interactiondemo.api.status.PartState;
import dev.interactiondemo.api.status.StatusConditions;
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
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.kafka.KafkaFailures;
import dev.interactiondemo.kafka.KafkaReadException;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.kafka.OffsetReader;
import dev.interactiondemo.kafka.TopicObservation;
import io.fabric8.kubernetes.api.model.Condition;
import io.grpc.Grpc;
import io.opentelemetry.api.OpenTelemetry;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
    /** The broker's listener that only the Host uses, through the proxy. */
    private static final String HOST_LISTENER = "HOST";
    private static final String CUT_NOTE = "kafka.cutHost: the sandbox's TCP proxy between the Host and Kafka "
            + "drops and refuses the Host's connections";

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
    /** One audit per Worker (an audit is its Worker's alone), kept across a stop and start. */
    private final List<DeliveryAudit> audits = new ArrayList<>();
    private KafkaReading firstReading;
    private KafkaReading lastReading;
    private List<Condition> lastConditions;
    private NotificationHost.Stats lastHostStats;

    public Sandbox(SandboxOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.view = options.output().equals("json") ? new JsonView(out) : new TableView(out);
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
        MessagesStatus m = status.getMessages();
        DeliveryStatus delivery = status.getDelivery();
        if (m == null) {
            err.println("sandbox: FAILED: could not read message counts from Kafka");
            return 1;
        }
        if (m.getConsumed() == 0) {
            err.println("sandbox: FAILED: no message went end to end (produced " + m.getProduced() + ")");
            return 1;
        }
        if (delivery.getLost() > 0) {
            err.println("sandbox: FAILED: " + delivery.getLost() + " messages were lost");
            return 1;
        }
        if (m.getLag() > 0) {
            err.println("sandbox: FAILED: " + m.getLag() + " messages still waiting after " + DRAIN_TIMEOUT.toSeconds()
                    + " s");
            return 1;
        }
        err.printf("sandbox: OK: %d produced, %d consumed, 0 lost, %d duplicates%n", m.getProduced(), m.getConsumed(),
                delivery.getDuplicates());
        return 0;
    }

    /**
     * One observation of everything, turned into the status the operator would write. Rates come from the previous
     * reading, or for the {@code summary} at the end, from the first reading of the run.
     */
    InteractionDemoStatus observe(boolean summary) {
        GreeterHealthCheck.Health health = GreeterHealthCheck.check(probeChannel, Duration.ofSeconds(1));
        PartState greeterState = health.isServing()
                ? PartState.available("Serving", "gRPC health check: SERVING")
                : PartState.unavailable("NotServing", "gRPC health check: " + health.serving()
                + (health.detail().isEmpty() ? "" : " (" + health.detail() + ")"));

        MessageStats stats = null;
        boolean ratesKnown = (summary ? firstReading : lastReading) != null;
        String kafkaProblem = null;
        PartState topicState;
        try {
            KafkaReading reading = new OffsetReader(admin, Duration.ofSeconds(3), Clock.systemUTC()).read(TOPIC, GROUP);
            stats = MessageStats.of(summary ? firstReading : lastReading, reading);
            lastReading = reading;
            if (firstReading == null) {
                firstReading = reading;
            }
            topicState = PartState.available("Exists", "topic " + TOPIC + " exists");
        } catch (KafkaReadException e) {
            kafkaProblem = e.getMessage();
            topicState = PartState.unavailable(e.kind() == KafkaReadException.Kind.TOPIC_MISSING ? "TopicMissing"
                    : "KafkaUnreachable", e.getMessage());
        }
        Optional<String> hostProblem = host.notReadyReason();
        PartState hostState = hostProblem.map(p -> PartState.unavailable("NotReady", "Host: " + p))
                .orElse(PartState.available("Publishing", "Host publishing"));
        List<NotificationWorker> ws = workers;
        long workersReady = ws.stream().filter(w -> w.notReadyReason().isEmpty()).count();
        Optional<String> workerProblem = ws.isEmpty() ? Optional.of("stopped") : workersReady > 0 ? Optional.empty()
                : ws.get(0).notReadyReason();
        PartState workerState = workerProblem.map(p -> PartState.unavailable(ws.isEmpty() ? "Stopped" : "NotReady",
                "Worker: " + p)).orElse(PartState.available("Consuming", ws.size() == 1 ? "Worker consuming"
                : workersReady + " of " + ws.size() + " Workers consuming"));

        List<String> activeFaults = faults.active();
        List<Condition> computed = new ArrayList<>(StatusConditions.compute(greeterState, topicState, hostState,
                workerState, StatusConditions.messagesFlowing(stats, ratesKnown, kafkaProblem)));
        computed.add(Faults.condition(activeFaults, isCut() ? CUT_NOTE : null));
        List<Condition> conditions = StatusConditions.withTransitionTimes(lastConditions, computed,
                Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS));
        lastConditions = conditions;

        InteractionDemoStatus status = new InteractionDemoStatus();
        status.setConditions(conditions);
        status.setFaults(activeFaults);
        NotificationHost.Stats h = host.stats();
        GreeterStatus g = new GreeterStatus();
        g.setReplicas(greeterRunning ? 1 : 0);
        g.setReadyReplicas(health.isServing() ? 1 : 0);
        g.setServing(health.serving());
        g.setEndpoint("localhost:" + greeterPort);
        g.setCalls(h.greeterCalls());
        g.setFailures(h.greeterFailures());
        long calls = h.greeterCalls() - (lastHostStats == null ? 0 : lastHostStats.greeterCalls());
        long failures = h.greeterFailures() - (lastHostStats == null ? 0 : lastHostStats.greeterFailures());
        g.setErrorRate(calls == 0 ? 0.0 : Math.round((double) failures / calls * 1000) / 1000.0);
        g.setHostBlocked(calls > 0 && failures == calls);
        g.setCallLatencyP50Ms(round(h.greeterLatencyP50Ms()));
        g.setCallLatencyP99Ms(round(h.greeterLatencyP99Ms()));
        lastHostStats = h;
        status.setGreeter(g);

        TopicStatus t = new TopicStatus();
        t.setName(TOPIC);
        t.setReady(topicState.available());
        t.setManagement("Direct");
        t.setPartitions(options.partitions());
        status.setTopic(t);

        WorkloadStatus p = new WorkloadStatus();
        p.setReplicas(1);
        p.setReadyReplicas(hostProblem.isEmpty() ? 1 : 0);
        status.setHost(p);
        WorkerStatus c = new WorkerStatus();
        c.setReplicas(ws.size());
        c.setReadyReplicas((int) workersReady);
        c.setGroupId(GROUP);
        status.setWorker(c);

        if (stats != null) {
            MessagesStatus m = new MessagesStatus();
            m.setProduced(stats.produced());
            m.setConsumed(stats.consumed());
            m.setLag(stats.lag());
            m.setProducedPerSecond(stats.producedPerSecond());
            m.setConsumedPerSecond(stats.consumedPerSecond());
            m.setLastUpdated(stats.lastUpdated().toString());
            status.setMessages(m);
        }
        // Summed over the Workers; latencies: the slowest Worker's (0 while none runs).
        DeliveryStatus d = new DeliveryStatus();
        d.setDelivered(audits.stream().mapToLong(DeliveryAudit::delivered).sum());
        d.setDuplicates(audits.stream().mapToLong(DeliveryAudit::duplicates).sum());
        d.setLost(audits.stream().mapToLong(DeliveryAudit::lost).sum());
        List<NotificationWorker.Stats> workerStats = ws.stream().map(NotificationWorker::stats).toList();
        d.setEndToEndLatencyP50Ms(round(workerStats.stream().mapToDouble(NotificationWorker.Stats::endToEndP50Ms).max()
                .orElse(0)));
        d.setEndToEndLatencyP99Ms(round(workerStats.stream().mapToDouble(NotificationWorker.Stats::endToEndP99Ms).max()
                .orElse(0)));
        status.setDelivery(d);
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
