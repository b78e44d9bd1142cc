package dev.interactiondemo.operator;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.HttpEndpoints;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.PortInUseException;
import dev.interactiondemo.common.Settings;
import dev.interactiondemo.operator.kafka.KafkaAdmins;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The operator process: reconciles InteractionDemos in the watched namespaces, with the current kubeconfig outside a
 * cluster and the pod's service account inside. {@code /healthz} answers once started, {@code /readyz} while every
 * event source is healthy, {@code /metrics} carries java-operator-sdk's reconciliation metrics and the JVM's.
 */
public final class OperatorMain {
    private OperatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.parse(OperatorConfig.OPTIONS, args, System.getenv());
        if (settings.helpRequested()) {
            System.out.println(Settings.usage("operator [options]", OperatorConfig.OPTIONS));
            return;
        }
        OperatorConfig config;
        try {
            config = OperatorConfig.from(settings);
        } catch (ConfigException e) {
            System.err.println("operator: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(OperatorMain.class);
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        KubernetesClient client = new KubernetesClientBuilder().build();
        KafkaAdmins kafka = new KafkaAdmins();
        GreeterChannels greeters = new GreeterChannels();
        Operator operator = start(client, config, kafka, greeters, registry);
        HttpEndpoints http;
        try {
            http = HttpEndpoints.start(config.httpPort(), OperatorConfig.HTTP_PORT.label(), registry,
                    () -> notReadyReason(operator));
        } catch (PortInUseException e) {
            System.err.println("operator: " + e.getMessage());
            System.exit(1);
            return;
        }
        log.info("Operator started: namespaces {}, status every {} s, KafkaTopic {}, leader election {}",
                config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces(),
                config.statusInterval().toSeconds(), config.kafkaTopicApiVersion(), config.leaderElection());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.stop();
            client.close();
            kafka.close();
            greeters.close();
            http.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** Registers the reconciler and starts the operator; the caller stops it. */
    public static Operator start(KubernetesClient client, OperatorConfig config, KafkaAdmins kafka,
                                 GreeterChannels greeters, PrometheusMeterRegistry registry) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false) // the client belongs to the caller
                    .withStopOnInformerErrorDuringStartup(false)
                    .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build());
            if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(config.leaseName(),
                        config.leaseNamespace()));
            }
        });
        operator.register(new InteractionDemoReconciler(config, kafka, greeters, Clock.systemUTC()), c -> {
            if (config.watchNamespaces().isEmpty()) {
                c.watchingAllNamespaces();
            } else {
                c.settingNamespaces(config.watchNamespaces());
            }
        });
        operator.start();
        return operator;
    }

    private static Optional<String> notReadyReason(Operator operator) {
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
