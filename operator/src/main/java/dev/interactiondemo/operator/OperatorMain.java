package dev.interactiondemo.operator;

import dev.interactiondemo.operator.config.OperatorConfig;

import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.operator.lesson.InteractionLessonReconciler;
import dev.interactiondemo.operator.observe.Observers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator process: reconciles InteractionDemos and InteractionLessons in the watched namespaces, with the
 * current kubeconfig outside a cluster and the pod's service account inside. {@code /healthz} answers once started,
 * {@code /readyz} while every event source is healthy, {@code /metrics} carries java-operator-sdk's reconciliation
 * metrics and the JVM's.
 */
public final class OperatorMain {
    private OperatorMain() {
    }

    public static void main(String[] args) {
        Program.of("operator", "operator [options]", OperatorConfig.OPTIONS).serve(args, settings -> {
            OperatorConfig config = OperatorConfig.from(settings);
            PrometheusMeterRegistry registry = Metrics.newRegistry();
            KubernetesClient client = new KubernetesClientBuilder().build();
            Observers kafka = Observers.every(config.statusInterval(), Clock.systemUTC());
            GreeterChannels greeters = new GreeterChannels();
            AtomicBoolean stopping = new AtomicBoolean();
            DemoStatuses statuses = new DemoStatuses(Clock.systemUTC());
            StrimziAwareOperator operator = StrimziAwareOperator.start(client, config, kafka, greeters, registry,
                    stopping, statuses, StrimziAwareOperator.CHECK_EVERY);
            HttpEndpoints http = HttpEndpoints.start(config.httpPort(), OperatorConfig.HTTP_PORT.label(), registry,
                    () -> notReadyReason(operator.operator()));
            List<AutoCloseable> parts = new ArrayList<>(List.of(operator, client, kafka, greeters, http));
            if (config.webPage()) {
                parts.add(OperatorWebPage.start(config.webPort(), statuses));
            }
            LoggerFactory.getLogger(OperatorMain.class).info("Operator started: namespaces {}, status every {} s, "
                            + "KafkaTopic {}, leader election {}",
                    config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces(),
                    config.statusInterval().toSeconds(), config.strimziApiVersion(), config.leaderElection());
            return parts;
        });
    }

    /** Registers the reconciler and starts the operator, for callers that never use leader election. */
    public static Operator start(KubernetesClient client, OperatorConfig config, Observers kafka,
                                 GreeterChannels greeters, PrometheusMeterRegistry registry) {
        return start(client, config, kafka, greeters, registry, new AtomicBoolean(),
                new DemoStatuses(Clock.systemUTC()), StrimziApis.servedBy(client, config.strimziApiVersion()),
                null, () -> { });
    }

    /**
     * Registers the reconciler and starts the operator; the caller stops it, after setting {@code stopping}.
     *
     * @param stopping    true once the caller is stopping the operator: losing the lease then is not news
     * @param statuses    where the latest status of each demo is kept for the web page
     * @param strimzi     which Strimzi resources the cluster serves (their dependents are part of the controller
     *                    only then: {@link StrimziAwareOperator} builds it again when that changes)
     * @param identity    this replica's name in the Lease (null: java-operator-sdk's choice)
     * @param onLostLease run, with leader election, when this replica loses the lease while not stopping: the
     *                    caller stops this operator (java-operator-sdk would go on reconciling) and starts another
     */
    public static Operator start(KubernetesClient client, OperatorConfig config, Observers kafka,
                                 GreeterChannels greeters, PrometheusMeterRegistry registry, AtomicBoolean stopping,
                                 DemoStatuses statuses, StrimziApis strimzi, String identity, Runnable onLostLease) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false) // the client belongs to the caller
                    .withStopOnInformerErrorDuringStartup(false)
                    // java-operator-sdk's 50 + 50 threads by default: more than reconciles that wait only for the
                    // API server can use, each with its stack (RECONCILE_THREADS, docs/benchmarks.md)
                    .withConcurrentReconciliationThreads(config.reconcileThreads())
                    .withConcurrentWorkflowExecutorThreads(config.reconcileThreads())
                    // Per-resource timers would outlive their demos and grow /metrics without bound: DemoMetrics
                    // keeps the per-demo figures a dashboard wants, and removes them with the demo.
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(leaderElection(config, stopping, identity, onLostLease));
            }
        });
        LoggerFactory.getLogger(OperatorMain.class).info("{} KafkaTopic {}; KafkaUser {}", config.strimziApiVersion(),
                strimzi.topics() ? "served: topic management Strimzi available" : "not served: topic management "
                        + "Strimzi unavailable until Strimzi is installed (checked every "
                        + StrimziAwareOperator.CHECK_EVERY.toSeconds() + " s)",
                strimzi.users() ? "served: kafka.user available" : "not served: kafka.user unavailable until Strimzi "
                        + "is installed (checked every " + StrimziAwareOperator.CHECK_EVERY.toSeconds() + " s)");
        operator.register(new InteractionDemoReconciler(config, kafka, greeters, new DemoMetrics(registry),
                statuses, Clock.systemUTC(), strimzi), c -> watching(c, config));
        registerLessons(operator, config, kafka, registry);
        operator.start();
        return operator;
    }

    /** Registers the InteractionLesson reconciler, watching the namespaces the demos are watched in. */
    public static void registerLessons(Operator operator, OperatorConfig config, Observers kafka,
                                       PrometheusMeterRegistry registry) {
        operator.register(new InteractionLessonReconciler(kafka.kafka(), registry, Clock.systemUTC()),
                c -> watching(c, config));
    }

    /** The namespaces a controller watches: all, or the configured ones. */
    private static void watching(ControllerConfigurationOverrider<?> c, OperatorConfig config) {
        if (config.watchNamespaces().isEmpty()) {
            c.watchingAllNamespaces();
        } else {
            c.settingNamespaces(config.watchNamespaces());
        }
    }

    /**
     * Leader election on a Lease. A replica that loses the lease while running (say, the API server was away for
     * longer than the renew deadline) does not exit: with one replica nobody else would take over, and the pod would
     * only restart. {@code onLostLease} runs instead; the caller stops this operator, so that it reconciles no more,
     * and starts another that waits for the lease ({@link StrimziAwareOperator}). java-operator-sdk's
     * exitOnStopLeading is off: it would exit, and with it off java-operator-sdk only logs and goes on reconciling.
     * A replica that releases the lease because it is stopping does nothing more.
     */
    static LeaderElectionConfiguration leaderElection(OperatorConfig config, AtomicBoolean stopping, String identity,
                                                      Runnable onLostLease) {
        Logger log = LoggerFactory.getLogger(OperatorMain.class);
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> log.info("Leading: reconciling"),
                () -> {
                    if (!stopping.get()) {
                        log.warn("Lost the lease {}: reconciling no more, and trying to take it again",
                                config.leaseName());
                        onLostLease.run();
                    }
                },
                leader -> log.info("Leader: {}", leader));
        boolean exitOnStopLeading = false;
        return new LeaderElectionConfiguration(config.leaseName(), config.leaseNamespace(),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, identity, callbacks, exitOnStopLeading);
    }

    /** Why the operator is not ready (starting, or unhealthy event sources), or empty. */
    public static Optional<String> notReadyReason(Operator operator) {
        var info = operator.getRuntimeInfo();
        if (!info.isStarted()) {
            return Optional.of("starting");
        }
        if (!info.allEventSourcesAreHealthy()) {
            return Optional.of("event sources not healthy: " + info.unhealthyEventSources().keySet());
        }
        return Optional.empty();
    }
}
