package dev.interactiondemo.engine;
import dev.interactiondemo.kafka.TopicObservation;

import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.status.WorkerStatus;
import dev.interactiondemo.api.status.DeliveryStatus;
import dev.interactiondemo.api.status.GreeterStatus;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.status.MessagesStatus;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.api.status.TopicStatus;
import dev.interactiondemo.api.status.WorkloadStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes an InteractionDemo's status from an {@link Observation}. A pure function: same inputs, same status; the
 * previous status (on the demo) only supplies transition times and the previous reading for rates.
 */
public final class StatusCalculator {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private StatusCalculator() {
    }

    public static InteractionDemoStatus compute(Observation o) {
        InteractionDemo demo = o.demo();
        InteractionDemoStatus previous = demo.getStatus();
        var s = o.settings();

        PartState greeter = greeterState(o);
        DependentFailure topicError = o.dependentErrors().get(Observation.Part.TOPIC);
        PartState topic = topicError != null
                ? PartState.unavailable(reason(topicError, "KafkaTopicFailed"), topicError.message())
                : new PartState(o.topic().ready(), o.topic().reason(), o.topic().message());
        PartState host = workloadState(o.host(), s.hostReplicas(), "Host", o.dependentErrors().get(Observation.Part.HOST),
                o.topic().ready() ? null : "waiting for the topic to be ready");
        PartState worker = workloadState(o.worker(), s.workerReplicas(), "Worker", o.dependentErrors().get(Observation.Part.WORKER),
                null);

        MessageStats previousStats = previousStats(previous);
        MessageStats stats = o.reading() == null ? null : MessageStats.next(previousStats, o.reading());
        Condition flowing = withIdleWorkers(StatusConditions.messagesFlowing(stats, previousStats != null,
                o.kafkaProblemReason(), o.kafkaProblem()), o.members());

        List<String> faults = Faults.active(demo.getSpec().getFaults());
        List<Condition> computed = new ArrayList<>(StatusConditions.compute(greeter, topic, host, worker,
                flowing));
        if (o.user() != null) {
            computed.add(o.user());
        }
        computed.add(Faults.condition(faults, s.cutHost() ? o.cutNote() : null));
        computed.addAll(GitOpsConditions.of(computed, List.of(o.greeter(), o.host(), o.worker()), faults));
        List<Condition> conditions = StatusConditions.withTransitionTimes(
                previous == null ? null : previous.getConditions(), computed, o.now().truncatedTo(ChronoUnit.SECONDS));

        InteractionDemoStatus status = new InteractionDemoStatus();
        status.setObservedGeneration(demo.getMetadata().getGeneration());
        status.setFaults(faults.isEmpty() ? null : faults);
        status.setConditions(conditions.stream().map(c -> new ConditionBuilder(c)
                .withObservedGeneration(demo.getMetadata().getGeneration()).build()).toList());

        GreeterStatus g = new GreeterStatus();
        g.setReplicas(s.greeterReplicas());
        g.setReadyReplicas(o.greeter().ready());
        g.setServing(o.greeterHealth() == null ? "UNKNOWN" : o.greeterHealth().serving());
        g.setEndpoint(o.greeterEndpoint());
        PodFigures pods = o.pods();
        if (pods != null) {
            g.setCalls(pods.calls());
            g.setFailures(pods.failures());
            g.setErrorRate(pods.errorRate());
            g.setCallLatencyP50Ms(pods.callP50Ms());
            g.setCallLatencyP99Ms(pods.callP99Ms());
            g.setHostBlocked(pods.hostBlocked());
            if (pods.delivered() != null) {
                DeliveryStatus d = new DeliveryStatus();
                d.setDelivered(pods.delivered());
                d.setDuplicates(pods.duplicates());
                d.setLost(pods.lost());
                d.setEndToEndLatencyP50Ms(pods.endToEndP50Ms());
                d.setEndToEndLatencyP99Ms(pods.endToEndP99Ms());
                if (pods.polls() != null) {
                    d.setWaitInKafkaP50Ms(pods.polls().waitInKafkaP50Ms());
                    d.setWaitInKafkaP99Ms(pods.polls().waitInKafkaP99Ms());
                    d.setRecordsPerPollP50(pods.polls().recordsPerPollP50());
                    d.setRecordsPerPollMax(pods.polls().recordsPerPollMax());
                }
                status.setDelivery(d);
            }
        }
        if (status.getDelivery() == null && previous != null && previous.getDelivery() != null) {
            // No Worker answers now: the last audit stands, but nothing is being delivered or polled, so there is no
            // latency, no wait and no poll to show.
            DeliveryStatus d = JSON.clone(previous.getDelivery());
            d.setEndToEndLatencyP50Ms(null);
            d.setEndToEndLatencyP99Ms(null);
            d.setWaitInKafkaP50Ms(null);
            d.setWaitInKafkaP99Ms(null);
            d.setRecordsPerPollP50(null);
            d.setRecordsPerPollMax(null);
            status.setDelivery(d);
        }
        status.setGreeter(g);

        TopicStatus t = new TopicStatus();
        t.setName(s.topic());
        t.setReady(o.topic().ready());
        t.setManagement(s.management().name());
        t.setPartitions(o.topic().partitions());
        // The id of the topic this demo created: kept while Kafka cannot be read, so ownership is never forgotten.
        t.setTopicId(o.topic().topicId() != null ? o.topic().topicId()
                : previous == null || previous.getTopic() == null ? null : previous.getTopic().getTopicId());
        // Direct mode: the intent to create the topic, recorded once the observer found none, until its id is known.
        boolean requested = previous != null && previous.getTopic() != null
                && Boolean.TRUE.equals(previous.getTopic().getCreateRequested());
        if (s.management() == TopicManagement.Direct && t.getTopicId() == null
                && (requested || TopicObservation.CREATING.equals(o.topic().reason()))) {
            t.setCreateRequested(true);
        }
        status.setTopic(t);

        WorkloadStatus p = new WorkloadStatus();
        p.setReplicas(s.hostReplicas());
        p.setReadyReplicas(o.host().ready());
        status.setHost(p);

        WorkerStatus c = new WorkerStatus();
        c.setReplicas(s.workerReplicas());
        c.setReadyReplicas(o.worker().ready());
        c.setGroupId(s.groupId());
        c.setMembers(o.members());
        c.setPartitions(o.partitions());
        status.setWorker(c);

        if (stats != null) {
            MessagesStatus m = new MessagesStatus();
            m.setProduced(stats.produced());
            m.setConsumed(stats.consumed());
            m.setLag(stats.lag());
            m.setProducedPerSecond(stats.producedPerSecond());
            m.setConsumedPerSecond(stats.consumedPerSecond());
            m.setLastUpdated(stats.lastUpdated().truncatedTo(ChronoUnit.MILLIS).toString());
            status.setMessages(m);
        } else if (previous != null) {
            status.setMessages(previous.getMessages()); // keep the last counts; MessagesFlowing says they are stale
        }
        return status;
    }

    /**
     * Whether {@code next} says something {@code previous} did not. The reading time alone is no change: a status
     * whose counts, rates and conditions are the same is not rewritten.
     */
    public static boolean changed(InteractionDemoStatus previous, InteractionDemoStatus next) {
        if (previous == null) {
            return true;
        }
        return !Objects.equals(withoutReadingTime(previous), withoutReadingTime(next));
    }

    private static InteractionDemoStatus withoutReadingTime(InteractionDemoStatus s) {
        InteractionDemoStatus copy = JSON.clone(s);
        if (copy.getMessages() != null) {
            copy.getMessages().setLastUpdated(null);
        }
        return copy;
    }

    /** More Workers than partitions: the lesson of scaling with partitions, said where the flow is described. */
    private static Condition withIdleWorkers(Condition flowing, List<ConsumerMember> members) {
        if (members == null) {
            return flowing;
        }
        long idle = members.stream().filter(m -> m.getPartitions() == null || m.getPartitions().isEmpty()).count();
        if (idle == 0 || members.size() < 2) {
            return flowing;
        }
        return new ConditionBuilder(flowing).withMessage(flowing.getMessage() + "; " + members.size() + " Workers on "
                + (members.size() - idle) + " busy partition holders: " + idle + " hold no partition and sit idle (a "
                + "group has at most as many busy members as the topic has partitions)").build();
    }

    private static PartState greeterState(Observation o) {
        DependentFailure error = o.dependentErrors().get(Observation.Part.GREETER);
        if (error != null) {
            return PartState.unavailable(reason(error, "DeploymentFailed"), error.message());
        }
        if (o.settings().greeterReplicas() == 0) {
            return PartState.unavailable("ScaledToZero", "greeter.replicas is 0: the Host cannot get greetings");
        }
        PartState deployment = workloadState(o.greeter(), o.settings().greeterReplicas(), "Greeter", null, null);
        if (!deployment.available()) {
            return deployment;
        }
        if (o.greeterHealth() == null || !o.greeterHealth().isServing()) {
            String answer = o.greeterHealth() == null ? "not checked" : o.greeterHealth().serving()
                    + (o.greeterHealth().detail().isEmpty() ? "" : " (" + o.greeterHealth().detail() + ")");
            return PartState.unavailable("NotServing", deployment.message() + ", but the gRPC health check of "
                    + o.greeterEndpoint() + " answered " + answer);
        }
        return PartState.available("Serving", deployment.message() + "; gRPC health check: SERVING");
    }

    private static String reason(DependentFailure failure, String otherwise) {
        return failure.reason() != null ? failure.reason() : otherwise;
    }

    private static PartState workloadState(Workload workload, int desired, String part, DependentFailure error,
                                           String waitingFor) {
        if (error != null) {
            return PartState.unavailable(reason(error, "DeploymentFailed"), error.message());
        }
        if (!workload.created()) {
            return PartState.unavailable("NotCreated", part + " Deployment not created yet"
                    + (waitingFor == null ? "" : ": " + waitingFor));
        }
        if (desired == 0) {
            return PartState.available("ScaledToZero", "0 " + part + " replicas requested");
        }
        String ready = workload.ready() + "/" + desired + " " + part + " replicas ready";
        Cause cause = workload.cause();
        if (workload.available() > 0) {
            // Some pods serve: a cause that holds the others back is said, but the part is available.
            return PartState.available("Available", cause == null || Cause.NOT_READY.equals(cause.reason()) ? ready
                    : ready + "; " + cause.message());
        }
        if (cause != null) {
            return PartState.unavailable(cause.reason(), ready + ": " + cause.message());
        }
        return PartState.unavailable("NoReplicasAvailable", ready + (workload.problem() == null ? ""
                : ": " + workload.problem()));
    }

    private static MessageStats previousStats(InteractionDemoStatus previous) {
        if (previous == null || previous.getMessages() == null || previous.getMessages().getLastUpdated() == null) {
            return null;
        }
        MessagesStatus m = previous.getMessages();
        return new MessageStats(orZero(m.getProduced()), orZero(m.getConsumed()), orZero(m.getLag()),
                orZero(m.getProducedPerSecond()), orZero(m.getConsumedPerSecond()), Instant.parse(m.getLastUpdated()));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}
