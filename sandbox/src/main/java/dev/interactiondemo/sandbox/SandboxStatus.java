package dev.interactiondemo.sandbox;

import dev.interactiondemo.engine.GroupFigures;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.spec.InteractionDemoSpec;
import dev.interactiondemo.api.spec.KafkaSpec;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.api.spec.TopicSpec;
import dev.interactiondemo.api.status.DeliveryStatus;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.status.MessagesStatus;
import dev.interactiondemo.common.GreeterHealthCheck;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.engine.Observation;
import dev.interactiondemo.engine.PodFigures;
import dev.interactiondemo.engine.StatusCalculator;
import dev.interactiondemo.engine.Workload;
import dev.interactiondemo.kafka.OffsetReader;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.notifier.DeliveryAudit;
import dev.interactiondemo.notifier.NotificationHost;
import dev.interactiondemo.notifier.NotificationWorker;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The sandbox's status, computed by the operator's own calculator: the sandbox is a demo whose parts are processes.
 * Each moment becomes the same {@link Observation} the operator assembles on a cluster. Rates come from the previous
 * status, or for the summary at the end, from the first status of the run.
 */
final class SandboxStatus {
    /** The sandbox builds no images: its parts run in this process. */
    private static final DemoSettings.Images IMAGES = new DemoSettings.Images() {
        @Override
        public String greeterImage() {
            return "in-process";
        }

        @Override
        public String notifierImage() {
            return "in-process";
        }
    };
    /** Why a stopped part has no ready replica. */
    private static final String STOPPED = "stopped";
    private static final String CUT_NOTE = "kafka.cutHost: the sandbox's TCP proxy between the Host and Kafka "
            + "drops and refuses the Host's connections";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /**
     * What the sandbox's parts are doing at one moment.
     *
     * @param topic        the topic as the sandbox's reading found it
     * @param reading      the counts, the partitions and the group's members, or null when Kafka could not be read
     * @param kafkaProblem why Kafka could not be read, or null
     * @param workers      the Workers running; empty while they are stopped
     * @param audits       every Worker's audit, kept across a stop and start
     * @param hostProblem  why the Host cannot do its job, if it cannot
     * @param hostStats    the Host's counts since the run began
     * @param spec         the parts' live settings and the faults, as the demo's spec (see {@link SandboxParts#spec})
     * @param bootstrap    where the Workers (and, secured, the Host) connect
     */
    record Moment(Instant now, boolean greeterRunning, GreeterHealthCheck.Health health, String greeterEndpoint,
                  TopicObservation topic, OffsetReader.TopicReading reading, String kafkaProblem,
                  Optional<String> hostProblem,
                  NotificationHost.Stats hostStats, List<NotificationWorker> workers, List<DeliveryAudit> audits,
                  InteractionDemoSpec spec, String bootstrap) {
    }

    private final SandboxOptions options;
    private InteractionDemoStatus firstStatus;
    private InteractionDemoStatus lastStatus;
    private NotificationHost.Stats lastHostStats;

    SandboxStatus(SandboxOptions options) {
        this.options = options;
    }

    /** The status of {@code m}; for the {@code summary}, with rates over the whole run. */
    InteractionDemoStatus next(Moment m, boolean summary) {
        InteractionDemo demo = demo(m, summary);
        Optional<String> hostProblem = m.hostProblem();
        List<NotificationWorker> ws = m.workers();
        int workersReady = (int) ws.stream().filter(w -> w.notReadyReason().isEmpty()).count();
        String workerProblem = ws.isEmpty() ? STOPPED : workersReady > 0 ? null
                : ws.get(0).notReadyReason().orElse(null);
        Observation observation = new Observation(demo, DemoSettings.of(demo, IMAGES),
                Workload.running(m.greeterRunning() && m.health().isServing() ? 1 : 0,
                        m.greeterRunning() ? null : STOPPED),
                Workload.running(hostProblem.isEmpty() ? 1 : 0, hostProblem.orElse(null)),
                Workload.running(workersReady, workerProblem), m.greeterEndpoint(), m.topic(), m.health(),
                m.reading() == null ? null : m.reading().reading(), m.kafkaProblem(), Map.of(), m.now(),
                m.reading() == null ? null : m.reading().members().stream().map(GroupFigures::member).toList(),
                m.reading() == null ? null : m.reading().partitions().stream().map(GroupFigures::lag).toList(),
                figures(m), null, null, CUT_NOTE);
        InteractionDemoStatus status = StatusCalculator.compute(observation);
        if (firstStatus == null) {
            firstStatus = status;
        }
        lastStatus = status;
        return status;
    }

    /**
     * The sandbox as the InteractionDemo it stands for: its live settings and switches are the demo's spec; a
     * Greeter or Worker stopped from the page is one whose pods are down (an outage), not one scaled to 0. Its status is the last one, with
     * the first counts for the {@code summary}.
     */
    private InteractionDemo demo(Moment m, boolean summary) {
        InteractionDemo demo = new InteractionDemo();
        demo.setMetadata(new ObjectMetaBuilder().withName("sandbox").withNamespace("local").withGeneration(1L)
                .build());
        InteractionDemoSpec spec = m.spec();
        KafkaSpec kafkaSpec = new KafkaSpec();
        kafkaSpec.setBootstrapServers(m.bootstrap());
        TopicSpec topicSpec = new TopicSpec();
        topicSpec.setName(Sandbox.TOPIC);
        topicSpec.setPartitions(options.partitions());
        topicSpec.setManagement(TopicManagement.Direct);
        kafkaSpec.setTopic(topicSpec);
        spec.setKafka(kafkaSpec);
        demo.setSpec(spec);
        InteractionDemoStatus previous = lastStatus;
        if (summary && previous != null && firstStatus != null) {
            previous = JSON.clone(previous);
            previous.setMessages(firstStatus.getMessages());
        }
        demo.setStatus(previous);
        return demo;
    }

    /**
     * What the Host and the Workers report, as the operator reads it from their pods' /metrics: the Greeter as the
     * Host sees it since the previous observation, the Workers' audit summed, and the end-to-end latency of the
     * slowest running Worker (none while no Worker runs: nothing is delivered, so there is no latency to show).
     */
    private PodFigures figures(Moment m) {
        NotificationHost.Stats h = m.hostStats();
        long callsBefore = lastHostStats == null ? 0 : lastHostStats.greeterCalls();
        long failuresBefore = lastHostStats == null ? 0 : lastHostStats.greeterFailures();
        long calls = h.greeterCalls() - callsBefore;
        long failures = h.greeterFailures() - failuresBefore;
        lastHostStats = h;
        List<NotificationWorker.Stats> stats = m.workers().stream().map(NotificationWorker::stats).toList();
        Double p50 = stats.isEmpty() ? null : round(highest(stats, NotificationWorker.Stats::endToEndP50Ms));
        Double p99 = stats.isEmpty() ? null : round(highest(stats, NotificationWorker.Stats::endToEndP99Ms));
        PodFigures.Polls polls = stats.isEmpty() ? null : new PodFigures.Polls(
                round(highest(stats, NotificationWorker.Stats::waitInKafkaP50Ms)),
                round(highest(stats, NotificationWorker.Stats::waitInKafkaP99Ms)),
                highest(stats, NotificationWorker.Stats::recordsPerPollP50),
                highest(stats, NotificationWorker.Stats::recordsPerPollMax));
        return new PodFigures(h.greeterCalls(), h.greeterFailures(),
                PodFigures.errorRate(callsBefore, failuresBefore, h.greeterCalls(), h.greeterFailures()),
                round(h.greeterLatencyP50Ms()), round(h.greeterLatencyP99Ms()), calls > 0 && failures == calls,
                m.audits().stream().mapToLong(DeliveryAudit::delivered).sum(),
                m.audits().stream().mapToLong(DeliveryAudit::duplicates).sum(),
                m.audits().stream().mapToLong(DeliveryAudit::lost).sum(), p50, p99, polls);
    }

    /** The highest of the Workers' figure (the slowest, the largest: what a learner waits on). */
    private static double highest(List<NotificationWorker.Stats> stats,
                                  ToDoubleFunction<NotificationWorker.Stats> figure) {
        return stats.stream().mapToDouble(figure).max().orElse(0);
    }

    /**
     * The run's verdict from its final status, said on {@code err}: 0 when messages went end to end, none was lost
     * and none still waits after {@code drainTimeout}; else 1.
     */
    static int verdict(InteractionDemoStatus status, Duration drainTimeout, PrintStream err) {
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
            err.println("sandbox: FAILED: " + m.getLag() + " messages still waiting after " + drainTimeout.toSeconds()
                    + " s");
            return 1;
        }
        err.printf("sandbox: OK: %d produced, %d consumed, 0 lost, %d duplicates%n", m.getProduced(), m.getConsumed(),
                delivery.getDuplicates());
        return 0;
    }



    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
