package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

import dev.interactiondemo.common.Threads;
import dev.interactiondemo.operator.observe.Observers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator, started again in the same process when the Strimzi resources the cluster serves change: Strimzi
 * installed after the operator (or removed) is picked up within {@link #CHECK_EVERY}, without a restart of the pod.
 * The KafkaTopic and KafkaUser dependents are part of the controller only while their CRDs are served
 * (java-operator-sdk builds their informers even to deactivate them), so the controller is built again; the
 * observers, the Greeters' channels and the meters carry over.
 *
 * <p>With leader election, the operator is also started again when this replica loses the lease while running (the
 * API server away for longer than the renew deadline, or another replica took it): the operator that lost it is
 * stopped, so that it reconciles no more, and a new one waits for the lease and reconciles once it holds it again.
 * Starting it is tried again every {@link #RESTART_RETRY} while the API server does not answer. The process keeps
 * running throughout: its /healthz does not depend on the API server.
 */
public final class StrimziAwareOperator implements AutoCloseable {
    /** How often the cluster's API discovery is asked which Strimzi resources it serves. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(30);
    /** How long to wait before starting the operator again when it could not be (the API server is away). */
    static final Duration RESTART_RETRY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(StrimziAwareOperator.class);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final Observers observers;
    private final GreeterChannels greeters;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean stopping;
    private final DemoStatuses statuses;
    /** This replica's name in the Lease, the same for every operator it starts (the pod's name in a pod). */
    private final String identity = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> UUID.randomUUID().toString());
    /** Where the Strimzi checks and the restarts after a lost lease run, one at a time. */
    private final ScheduledExecutorService watch;
    private volatile StrimziApis served;
    private volatile Operator operator;

    private StrimziAwareOperator(KubernetesClient client, OperatorConfig config, Observers observers,
                                 GreeterChannels greeters, PrometheusMeterRegistry registry, AtomicBoolean stopping,
                                 DemoStatuses statuses, Duration checkEvery) {
        this.client = client;
        this.config = config;
        this.observers = observers;
        this.greeters = greeters;
        this.registry = registry;
        this.stopping = stopping;
        this.statuses = statuses;
        this.served = StrimziApis.servedBy(client, config.strimziApiVersion());
        this.watch = Executors.newSingleThreadScheduledExecutor(Threads.daemon("strimzi-watch"));
        this.operator = startOperator(served);
        watch.scheduleWithFixedDelay(this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the operator and the watch on Strimzi's resources.
     *
     * @param stopping true once the caller is stopping the operator (then losing the lease is no news)
     */
    public static StrimziAwareOperator start(KubernetesClient client, OperatorConfig config, Observers observers,
                                             GreeterChannels greeters, PrometheusMeterRegistry registry,
                                             AtomicBoolean stopping, DemoStatuses statuses, Duration checkEvery) {
        return new StrimziAwareOperator(client, config, observers, greeters, registry, stopping, statuses, checkEvery);
    }

    /** The operator running now. */
    public Operator operator() {
        return operator;
    }

    /** What the cluster served when the running controller was built. */
    public StrimziApis served() {
        return served;
    }

    private void check() {
        try {
            StrimziApis now = StrimziApis.servedBy(client, config.strimziApiVersion());
            if (now.equals(served)) {
                return;
            }
            LOG.info("{} KafkaTopic {}, KafkaUser {}: building the controller again to use what is served now",
                    config.strimziApiVersion(), now.topics() ? "served" : "not served",
                    now.users() ? "served" : "not served");
            synchronized (this) {
                if (stopping.get()) {
                    return;
                }
                stopping.set(true); // releasing the lease to build again is no news
                try {
                    operator.stop();
                } finally {
                    stopping.set(false);
                }
                served = now;
                operator = startOperator(now);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not check which Strimzi resources are served (trying again in {} s): {}",
                    CHECK_EVERY.toSeconds(), e.toString());
        }
    }

    private Operator startOperator(StrimziApis strimzi) {
        return OperatorMain.start(client, config, observers, greeters, registry, stopping, statuses, strimzi, identity,
                () -> watch.execute(this::takeLeaseAgain));
    }

    /**
     * After the lease was lost: stops the operator that lost it and starts another, which reconciles once it holds
     * the lease again. While the API server does not answer, the start fails and is tried again later.
     */
    private synchronized void takeLeaseAgain() {
        if (stopping.get()) {
            return;
        }
        stopping.set(true); // stopping the operator that lost the lease is no news
        try {
            operator.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping the operator that lost the lease: {}", e.toString());
        } finally {
            stopping.set(false);
        }
        try {
            operator = startOperator(served);
            LOG.info("Operator started again: reconciling once it holds the lease {} again", config.leaseName());
        } catch (RuntimeException e) {
            LOG.warn("Could not start the operator again (trying again in {} s): {}", RESTART_RETRY.toSeconds(),
                    e.toString());
            watch.schedule(this::takeLeaseAgain, RESTART_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        watch.shutdownNow();
        stopping.set(true);
        operator.stop();
    }
}
