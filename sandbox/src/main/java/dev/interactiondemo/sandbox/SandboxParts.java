package dev.interactiondemo.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interactiondemo.api.spec.CallMode;
import dev.interactiondemo.api.spec.GreeterSpec;
import dev.interactiondemo.api.spec.HostSpec;
import dev.interactiondemo.api.spec.InteractionDemoSpec;
import dev.interactiondemo.api.spec.WorkerSpec;
import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Durations;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.greeter.GreeterFaults;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.notifier.DeliveryAudit;
import dev.interactiondemo.notifier.KafkaSecurityFiles;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import dev.interactiondemo.notifier.NotifierConfig;
import dev.interactiondemo.notifier.WorkerFaults;
import io.opentelemetry.api.OpenTelemetry;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's running parts (the Greeter, the Host, the Workers) and their switches, live: what the page's buttons,
 * {@code --fault} and a lesson's steps change. Each setting that a part cannot switch while it runs (the Greeter's
 * delay, the Host's rate and call mode, the Workers' processing delay) restarts that part. {@link #spec()} reads the
 * settings back as the InteractionDemo's spec they stand for.
 *
 * <p>A stopped part (the page's "stop") is an outage: its pods are down, its spec unchanged. A lesson's
 * {@code greeter.replicas: 0} or {@code worker.replicas: 0} changes the spec, as on a cluster.
 */
final class SandboxParts implements AutoCloseable {
    /** The Host's id in its notifications; each restart a new one (a new pod), so its numbering starts afresh. */
    private static final String PRODUCER_ID = "sandbox-host";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the parts connect. */
    record Wiring(String hostBootstrap, String workerBootstrap, KafkaSecurityFiles hostFiles,
                  KafkaSecurityFiles workerFiles) {
    }

    private final SandboxOptions options;
    private final PrintStream err;
    private final Wiring wiring;
    private final GreeterFaults greeterFaults = new GreeterFaults();
    private final WorkerFaults workerFaults = new WorkerFaults();
    private final FaultSwitches faults;
    /** One audit per Worker (an audit is its Worker's alone), kept across a stop and start. */
    private final List<DeliveryAudit> audits = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile GreeterServer greeter;
    private volatile boolean greeterRunning;
    private volatile int greeterPort;
    private volatile int greeterReplicas = 1;
    private volatile Duration greeterDelay;
    private volatile NotificationHost host;
    private int hostRestarts;
    /** The counts of the Hosts that came before this one: the status counts from the run's start. */
    private volatile NotificationHost.Stats retiredHosts = new NotificationHost.Stats(0, 0, 0, 0, 0, 0, 0);
    private volatile double rate;
    private volatile String callMode;
    /** The Workers running, all in one group; empty while stopped. */
    private volatile List<NotificationWorker> workers = List.of();
    private volatile int workerReplicas;
    private volatile Duration processingDelay;

    SandboxParts(SandboxOptions options, PrintStream err, Wiring wiring, KafkaProxy proxy) {
        this.options = options;
        this.err = err;
        this.wiring = wiring;
        this.faults = new FaultSwitches(greeterFaults, workerFaults, proxy);
        this.greeterDelay = options.greeterDelay();
        this.rate = options.rate();
        this.callMode = options.callMode();
        this.workerReplicas = options.workers();
        this.processingDelay = options.processingDelay();
        options.faults().forEach(faults::apply);
    }

    /** Starts the Greeter (on {@code --greeter-port}) and the Workers; the Host with {@link #startHost}. */
    synchronized int startGreeterAndWorkers() {
        runGreeter(options.greeterPort());
        greeterPort = greeter.port();
        runWorkers(workerReplicas);
        return greeterPort;
    }

    synchronized void startHost() {
        host = new NotificationHost(hostConfig(), Metrics.newRegistry()).start();
    }

    // Controls, for the page, lessons and the end of a run. Each is idempotent.

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
            runGreeter(greeterPort);
        }
    }

    /** Stops the Workers: messages wait in Kafka. */
    synchronized void stopWorker() {
        if (!workers.isEmpty()) {
            err.println("sandbox: stopping the Worker" + (workers.size() > 1 ? "s" : "")
                    + "; messages now wait in Kafka");
            scaleWorkers(0);
        }
    }

    synchronized void startWorker(String why) {
        if (workers.isEmpty()) {
            err.println("sandbox: the Worker is back; it resumes from its committed offsets" + why);
            runWorkers(Math.max(1, workerReplicas));
        }
    }

    /** Switches a fault; an {@link IllegalArgumentException} if this run cannot have it (the cut, when secured). */
    synchronized void applyFault(FaultSetting f) {
        faults.apply(f);
        err.println("sandbox: fault " + f + "; in force: " + faults.active());
    }

    /** Lifts every fault and restarts what is stopped: the end of a run, so that what waits drains. */
    synchronized void liftEverything(String why) {
        if (!faults.active().isEmpty()) {
            err.println("sandbox: " + why + ": lifting the faults " + faults.active());
            faults.clear();
        }
        startGreeter();
        startWorker(" (" + why + ": draining what waits)");
    }

    /**
     * Switches one field of the demo's spec (a lesson's step, or giving it back): a path of
     * {@link dev.interactiondemo.engine.lesson.SwitchFields#ALL} and its value as JSON (null: the sandbox's own
     * setting, from its flags).
     */
    synchronized void apply(String field, String json) {
        JsonNode v = json == null ? null : parse(json);
        switch (field) {
            case "greeter.replicas" -> {
                greeterReplicas = v == null ? 1 : v.asInt();
                if (greeterReplicas == 0) {
                    stopGreeter();
                } else {
                    startGreeter();
                }
            }
            case "greeter.responseDelay" -> {
                greeterDelay = v == null ? options.greeterDelay() : Durations.parse(v.asText());
                if (greeterRunning) {
                    err.println("sandbox: restarting the Greeter with a response delay of "
                            + Durations.format(greeterDelay));
                    greeterRunning = false;
                    greeter.close();
                    runGreeter(greeterPort);
                }
            }
            case "host.callMode" -> restartHost(rate, v == null ? options.callMode() : v.asText());
            case "host.messagesPerSecond" -> restartHost(v == null ? options.rate() : v.asDouble(), callMode);
            case "worker.replicas" -> {
                workerReplicas = v == null ? options.workers() : v.asInt();
                err.println("sandbox: " + workerReplicas + " Worker" + (workerReplicas == 1 ? "" : "s")
                        + (workerReplicas == 0 ? "; messages now wait in Kafka" : ""));
                scaleWorkers(workerReplicas);
            }
            case "worker.processingDelay" -> {
                processingDelay = v == null ? options.processingDelay() : Durations.parse(v.asText());
                int running = workers.size();
                err.println("sandbox: the Workers now spend " + Durations.format(processingDelay)
                        + " on each notification" + (running > 0 ? " (restarting them)" : ""));
                scaleWorkers(0);
                scaleWorkers(running);
            }
            default -> {
                if (!field.startsWith("faults.")) {
                    throw new IllegalArgumentException("the sandbox cannot switch " + field);
                }
                String name = field.substring("faults.".length());
                applyFault(v == null ? FaultSetting.off(name) : FaultSetting.of(name, v.asText()));
            }
        }
    }

    /** Whether two JSON values of a field are the same setting ({@code 20} and {@code 20.0} are). */
    static boolean same(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        JsonNode x = parse(a);
        JsonNode y = parse(b);
        if (x.isNumber() && y.isNumber()) {
            return x.doubleValue() == y.doubleValue();
        }
        return x.equals(y);
    }

    /** The live settings as the InteractionDemo's spec they stand for (the parts and the faults, not Kafka). */
    InteractionDemoSpec spec() {
        InteractionDemoSpec spec = new InteractionDemoSpec();
        GreeterSpec g = new GreeterSpec();
        g.setReplicas(greeterReplicas);
        g.setResponseDelay(Durations.format(greeterDelay));
        spec.setGreeter(g);
        HostSpec h = new HostSpec();
        h.setReplicas(1);
        h.setMessagesPerSecond(rate);
        h.setCallMode(CallMode.valueOf(callMode));
        h.setMaxInFlight(options.maxInFlight());
        spec.setHost(h);
        WorkerSpec w = new WorkerSpec();
        w.setReplicas(workerReplicas);
        w.setGroupId(Sandbox.GROUP);
        w.setProcessingDelay(Durations.format(processingDelay));
        spec.setWorker(w);
        spec.setFaults(faults.spec());
        return spec;
    }

    /** What the page shows beside the status: which parts run, the switches, the live settings. */
    Map<String, Object> controls() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("greeterRunning", greeterRunning);
        c.put("workerRunning", !workers.isEmpty());
        c.put("workers", Math.max(1, workerReplicas));
        Map<String, Object> f = new LinkedHashMap<>();
        GreeterFaults.Snapshot g = greeterFaults.snapshot();
        f.put(FaultSetting.GREETER_ERROR_RATE, g.errorRate());
        f.put(FaultSetting.GREETER_UNAVAILABLE, g.unavailable());
        f.put(FaultSetting.WORKER_FAIL_BEFORE_COMMIT, workerFaults.failBeforeCommit());
        f.put(FaultSetting.KAFKA_CUT_HOST, faults.spec().getKafka().getCutHost());
        c.put("faults", f);
        c.put("rate", rate);
        c.put("callMode", callMode);
        return c;
    }

    boolean greeterRunning() {
        return greeterRunning;
    }

    int greeterPort() {
        return greeterPort;
    }

    List<NotificationWorker> workers() {
        return workers;
    }

    List<DeliveryAudit> audits() {
        return List.copyOf(audits);
    }

    /** Why the Host cannot do its job now, if it cannot. */
    Optional<String> hostProblem() {
        return host.notReadyReason();
    }

    /** The Hosts' counts since the run began (a restarted Host's added to those before it). */
    NotificationHost.Stats hostStats() {
        NotificationHost.Stats now = host.stats();
        NotificationHost.Stats b = retiredHosts;
        return new NotificationHost.Stats(b.sent() + now.sent(), b.sendFailures() + now.sendFailures(),
                b.greeterCalls() + now.greeterCalls(), b.greeterFailures() + now.greeterFailures(),
                now.greeterLatencyP50Ms(), now.greeterLatencyP99Ms(), now.pending());
    }

    List<String> activeFaults() {
        return faults.active();
    }

    /** Stops the Host (it flushes what Kafka has not acknowledged). */
    void stopHost() {
        NotificationHost h = host;
        if (h != null) {
            h.close();
        }
    }

    @Override
    public void close() {
        stopHost();
        workers.forEach(this::closeQuietly);
        closeQuietly(greeter);
    }

    private void restartHost(double newRate, String newCallMode) {
        if (newRate == rate && newCallMode.equals(callMode)) {
            return;
        }
        err.printf("sandbox: restarting the Host: %s/s, %s calls (was %s/s, %s)%n", newRate, newCallMode, rate,
                callMode);
        NotificationHost old = host;
        rate = newRate;
        callMode = newCallMode;
        old.close();
        NotificationHost.Stats s = old.stats();
        NotificationHost.Stats b = retiredHosts;
        retiredHosts = new NotificationHost.Stats(b.sent() + s.sent(), b.sendFailures() + s.sendFailures(),
                b.greeterCalls() + s.greeterCalls(), b.greeterFailures() + s.greeterFailures(), 0, 0, 0);
        hostRestarts++;
        startHost();
    }

    private void runGreeter(int port) {
        greeter = GreeterServer.start(port, "--greeter-port",
                new GreeterImpl(Defaults.MAX_NAME_LENGTH, greeterDelay, greeterFaults), Metrics.newRegistry());
        greeterRunning = true;
    }

    private void runWorkers(int count) {
        List<NotificationWorker> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(newWorker(i));
        }
        workers = List.copyOf(started);
    }

    /** Runs {@code count} Workers: starts the missing ones, stops the extra ones (the last started first). */
    private void scaleWorkers(int count) {
        List<NotificationWorker> now = new ArrayList<>(workers);
        while (now.size() > count) {
            NotificationWorker w = now.remove(now.size() - 1);
            workers = List.copyOf(now);
            closeQuietly(w);
        }
        while (now.size() < count) {
            now.add(newWorker(now.size()));
        }
        workers = List.copyOf(now);
    }

    private NotificationWorker newWorker(int index) {
        while (audits.size() <= index) {
            audits.add(new DeliveryAudit());
        }
        return new NotificationWorker(NotifierConfig.of(wiring.workerBootstrap(), wiring.workerFiles(),
                Sandbox.TOPIC, NotifierConfig.worker(Sandbox.GROUP, processingDelay)), Metrics.newRegistry(),
                audits.get(index), workerFaults, OpenTelemetry.noop()).start();
    }

    /** The Host's: through the proxy, or secured, directly to its listener as its own user. */
    private NotifierConfig hostConfig() {
        return NotifierConfig.of(wiring.hostBootstrap(), wiring.hostFiles(), Sandbox.TOPIC,
                NotifierConfig.host("localhost:" + greeterPort, rate,
                        NotifierConfig.CallMode.valueOf(callMode.toUpperCase(Locale.ROOT)), options.maxInFlight(),
                        hostRestarts == 0 ? PRODUCER_ID : PRODUCER_ID + "-" + (hostRestarts + 1)));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
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
}
