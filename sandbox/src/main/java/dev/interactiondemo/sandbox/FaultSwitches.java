package dev.interactiondemo.sandbox;

import dev.interactiondemo.api.spec.FaultsSpec;
import dev.interactiondemo.api.spec.GreeterFaultsSpec;
import dev.interactiondemo.api.spec.KafkaFaultsSpec;
import dev.interactiondemo.api.spec.WorkerFaultsSpec;
import dev.interactiondemo.engine.Faults;
import dev.interactiondemo.greeter.GreeterFaults;
import dev.interactiondemo.notifier.WorkerFaults;

import java.util.List;

/**
 * The sandbox's fault switches, live: each is applied to the part it concerns at once (the Greeter's
 * {@link GreeterFaults}, the Worker's {@link WorkerFaults}, the {@link KafkaProxy} between the Host and Kafka), and
 * read back as an InteractionDemo's {@code spec.faults}, so the status lists them as the operator does.
 */
final class FaultSwitches {
    private final GreeterFaults greeter;
    private final WorkerFaults worker;
    /** Null with a secured Kafka: no proxy, no cut. */
    private final KafkaProxy proxy;

    FaultSwitches(GreeterFaults greeter, WorkerFaults worker, KafkaProxy proxy) {
        this.greeter = greeter;
        this.worker = worker;
        this.proxy = proxy;
    }

    /**
     * Switches one fault on, changes it, or (rate 0, false) off; an {@link IllegalArgumentException} for
     * {@code kafka.cutHost=true} without a proxy.
     */
    synchronized void apply(FaultSetting s) {
        switch (s.name()) {
            case FaultSetting.GREETER_ERROR_RATE -> greeter.setErrorRate(s.rate());
            case FaultSetting.GREETER_UNAVAILABLE -> greeter.setUnavailable(s.flag());
            case FaultSetting.WORKER_FAIL_BEFORE_COMMIT -> worker.setFailBeforeCommit(s.rate());
            case FaultSetting.KAFKA_CUT_HOST -> {
                if (proxy == null) {
                    if (s.flag()) {
                        throw new IllegalArgumentException(FaultSetting.KAFKA_CUT_HOST + " needs "
                                + SandboxOptions.KAFKA_SECURITY.label() + "=none: with a secured Kafka the Host "
                                + "connects to its listener directly, with no proxy to cut");
                    }
                } else if (s.flag()) {
                    proxy.cut();
                } else {
                    proxy.restore();
                }
            }
            default -> throw new IllegalArgumentException("unknown fault " + s.name());
        }
    }

    /** Switches every fault off. */
    synchronized void clear() {
        FaultSetting.NAMES.forEach(n -> apply(FaultSetting.off(n)));
    }

    /** The switches as an InteractionDemo's {@code spec.faults} would hold them. */
    synchronized FaultsSpec spec() {
        FaultsSpec spec = new FaultsSpec();
        GreeterFaults.Snapshot g = greeter.snapshot();
        GreeterFaultsSpec gs = new GreeterFaultsSpec();
        gs.setErrorRate(g.errorRate());
        gs.setUnavailable(g.unavailable());
        spec.setGreeter(gs);
        WorkerFaultsSpec ws = new WorkerFaultsSpec();
        ws.setFailBeforeCommit(worker.failBeforeCommit());
        spec.setWorker(ws);
        KafkaFaultsSpec ks = new KafkaFaultsSpec();
        ks.setCutHost(proxy != null && proxy.isCut());
        spec.setKafka(ks);
        return spec;
    }

    /** Those switched on, e.g. {@code greeter.errorRate=0.3}, as {@code status.faults} lists them. */
    List<String> active() {
        return Faults.active(spec());
    }
}
