package dev.interactiondemo.greeter;

import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The Greeter's fault switches, for the lessons; thread-safe, consulted on every call, switchable while
 * the Greeter runs (the sandbox's page flips them) or set at start-up ({@code GREETER_FAULT_ERROR_RATE},
 * {@code GREETER_FAULT_UNAVAILABLE}).
 *
 * <ul>
 *   <li>{@code errorRate} (0 to 1): that share of {@code SayHello} calls is answered {@code UNAVAILABLE}, at
 *       random; a caller that retries (the Host) gets through, later.</li>
 *   <li>{@code unavailable}: every {@code SayHello} is refused with {@code UNAVAILABLE} and the gRPC health service
 *       reports NOT_SERVING for {@code greet.Greeter} and for the whole server ({@code ""}). The process keeps
 *       running and its liveness is untouched, so Kubernetes does not restart it; but a readiness probe on the gRPC
 *       health check (the operator's) goes false and the pod leaves its Service's endpoints: callers then fail
 *       before they reach it. Both are part of the lesson: a synchronous caller is blocked by a callee that is up
 *       but not serving. Switching it off restores SERVING.</li>
 * </ul>
 * Both show in the Greeter's metrics: {@code greeter_calls_total{code="UNAVAILABLE"}} counts the refused calls.
 */
public final class GreeterFaults {
    private static final Logger LOG = LoggerFactory.getLogger(GreeterFaults.class);

    /** The switches at one moment. */
    public record Snapshot(double errorRate, boolean unavailable) {
        /** True when some fault is switched on. */
        public boolean active() {
            return errorRate > 0 || unavailable;
        }
    }

    private volatile Snapshot state;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** All switches off. */
    public GreeterFaults() {
        this(0, false);
    }

    public GreeterFaults(double errorRate, boolean unavailable) {
        this.state = new Snapshot(checkRate(errorRate), unavailable);
    }

    /** @param errorRate the share of calls to fail, 0 (none) to 1 (all) */
    public void setErrorRate(double errorRate) {
        checkRate(errorRate);
        update(s -> new Snapshot(errorRate, s.unavailable()));
    }

    public void setUnavailable(boolean unavailable) {
        update(s -> new Snapshot(s.errorRate(), unavailable));
    }

    public Snapshot snapshot() {
        return state;
    }

    /** The status to answer a call with instead of greeting, if a fault says so. */
    Optional<Status> injectedFault() {
        Snapshot s = state;
        if (s.unavailable()) {
            return Optional.of(Status.UNAVAILABLE.withDescription("injected fault: the Greeter is switched unavailable"));
        }
        if (s.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < s.errorRate()) {
            return Optional.of(Status.UNAVAILABLE.withDescription("injected fault: error rate " + s.errorRate()));
        }
        return Optional.empty();
    }

    /** Runs {@code listener} after every change (it reads {@link #snapshot()} itself); returns its removal. */
    Runnable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void update(UnaryOperator<Snapshot> change) {
        Snapshot now;
        synchronized (this) {
            now = change.apply(state);
            state = now;
        }
        LOG.info("Greeter faults: error rate {}, unavailable {}", now.errorRate(), now.unavailable());
        listeners.forEach(Runnable::run);
    }

    private static double checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("error rate must be between 0 and 1, not " + rate);
        }
        return rate;
    }
}
