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
 */
public final class StrimziAwareOperator implements AutoCloseable {
    /** How often the cluster's API discovery is asked which Strimzi resources it serves. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(StrimziAwareOperator.class);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final Observers observers;
    private final GreeterChannels greeters;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean stopping;
    private final DemoStatuses statuses;
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
        this.operator = OperatorMain.start(client, config, observers, greeters, registry, stopping, statuses, served);
        this.watch = Executors.newSingleThreadScheduledExecutor(Threads.daemon("strimzi-watch"));
        watch.scheduleWithFixedDelay(this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the operator and the watch on Strimzi's resources.
     *
     * @param stopping true once the caller is stopping the operator (then losing the lease is no reason to exit)
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
                stopping.set(true); // releasing the lease to build again is no reason to exit
                try {
                    operator.stop();
                } finally {
                    stopping.set(false);
                }
                served = now;
                operator = OperatorMain.start(client, config, observers, greeters, registry, stopping, statuses, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not check which Strimzi resources are served (trying again in {} s): {}",
                    CHECK_EVERY.toSeconds(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        watch.shutdownNow();
        stopping.set(true);
        operator.stop();
    }
}
