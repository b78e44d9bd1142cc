package dev.interactiondemo.engine;

import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The conditions GitOps tools read, in the convention of {@code kstatus} (Flux's health assessment, {@code kubectl
 * wait}, Argo CD through the health check in docs/gitops.md): {@code Reconciling} while a change is on its way,
 * {@code Stalled} when the demo cannot go on without a change to its spec or to the cluster. Both are "abnormal-true":
 * present, with status True, only while they hold; with {@code Ready} and {@code status.observedGeneration} they
 * say Current (healthy), InProgress or Failed.
 */
public final class GitOpsConditions {
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";

    /**
     * Reasons, on any condition, that nothing will change until someone changes the spec or the cluster: an address
     * the operator refuses, a name held by something else, settings Kafka refuses, a topic that is not the demo's
     * or not there, Strimzi not installed, the cluster refusing or failing to run the pods.
     */
    public static final Set<String> STALLED_REASONS = Set.of("BootstrapNotAllowed", "NameTaken", "DeploymentFailed",
            "KafkaTopicFailed", "NotKafka", "KafkaAuthenticationFailed", "KafkaTlsFailed", "KafkaAuthorizationFailed",
            "SecretNotFound", "SecretNotReadable", "KafkaCredentialsInvalid", "TopicExists", "InvalidTopicConfig",
            "InvalidReplicationFactor", "TopicMissing", "StrimziNotInstalled", "KafkaUserNotFound",
            Cause.QUOTA_EXCEEDED, Cause.UNSCHEDULABLE, Cause.IMAGE_PULL_FAILED, Cause.CRASH_LOOPING);

    /**
     * Reasons a part is unavailable because the spec asks for it (the Greeter scaled to zero; and, below, a Greeter
     * made unavailable by its fault switch): nothing is on its way, nothing is stuck.
     */
    private static final Set<String> INTENDED = Set.of("ScaledToZero");

    private GitOpsConditions() {
    }

    /**
     * {@code Stalled} and {@code Reconciling}, those that hold (none, one, never both).
     *
     * @param conditions  the demo's other conditions, {@code Ready} first
     * @param workloads   the Greeter, the Host and the Worker as observed (what their rollouts wait for)
     * @param faults      the faults switched on ({@link Faults#active})
     */
    public static List<Condition> of(List<Condition> conditions, List<Workload> workloads, List<String> faults) {
        List<Condition> out = new ArrayList<>();
        Condition stalled = conditions.stream()
                .filter(c -> !StatusConditions.READY.equals(c.getType()) && !Conditions.TRUE.equals(c.getStatus())
                        && STALLED_REASONS.contains(c.getReason()))
                .findFirst().orElse(null);
        if (stalled != null) {
            out.add(Conditions.of(STALLED, true, stalled.getReason(), stalled.getType() + ": "
                    + stalled.getMessage()));
            return out;
        }
        Condition ready = Conditions.find(conditions, StatusConditions.READY).orElse(null);
        boolean onItsWay = conditions.stream().filter(c -> isPart(c.getType()))
                .anyMatch(c -> !Conditions.TRUE.equals(c.getStatus()) && !intended(c, faults));
        if (ready != null && !Conditions.isTrue(ready) && onItsWay) {
            out.add(Conditions.of(RECONCILING, true, ready.getReason(), ready.getMessage()));
            return out;
        }
        List<String> rollouts = workloads.stream().map(Workload::rollout).filter(Objects::nonNull).toList();
        if (!rollouts.isEmpty()) {
            out.add(Conditions.of(RECONCILING, true, "RollingOut", String.join("; ", rollouts)));
        }
        return out;
    }

    private static boolean isPart(String type) {
        return Stream.of(StatusConditions.GREETER_AVAILABLE, StatusConditions.TOPIC_READY,
                StatusConditions.HOST_AVAILABLE, StatusConditions.WORKER_AVAILABLE).anyMatch(type::equals);
    }

    private static boolean intended(Condition c, List<String> faults) {
        // The fault makes the Greeter answer NOT_SERVING: the operator's check says so, and its readiness probe
        // fails, so its pods are not ready either (NotServing, NotReady or NoReplicasAvailable, as the moment has it).
        return INTENDED.contains(c.getReason()) || StatusConditions.GREETER_AVAILABLE.equals(c.getType())
                && faults.contains("greeter.unavailable=true");
    }
}
