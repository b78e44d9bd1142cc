package dev.interactiondemo.engine;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A part on a cluster as the status reads it: its Deployment (ready and available replicas, its failing condition,
 * whether a change still rolls out) and its pods (why they do not run: {@link PodCauses}). Pure: the operator's
 * observe phase hands it what its informers hold.
 */
public final class Workloads {
    private Workloads() {
    }

    /**
     * @param part       {@code Greeter}, {@code Host} or {@code Worker}
     * @param deployment the part's Deployment, if created
     * @param pods       the part's pods
     */
    public static Workload of(String part, Optional<Deployment> deployment, List<Pod> pods, Instant now) {
        if (deployment.isEmpty()) {
            return Workload.ABSENT;
        }
        Deployment d = deployment.get();
        DeploymentStatus status = d.getStatus();
        List<DeploymentCondition> conditions = status == null || status.getConditions() == null ? List.of()
                : status.getConditions();
        Cause cause = PodCauses.of(part, conditions, pods, now);
        String problem = Optional.ofNullable(PodCauses.replicaFailure(conditions)).orElseGet(() -> conditions.stream()
                .filter(c -> Conditions.FALSE.equals(c.getStatus()) && c.getMessage() != null)
                .map(DeploymentCondition::getMessage).findFirst().orElse(null));
        if (status == null) {
            return new Workload(true, 0, 0, problem, cause, rollout(part, d));
        }
        return new Workload(true, orZero(status.getReadyReplicas()), orZero(status.getAvailableReplicas()), problem,
                cause, rollout(part, d));
    }

    /**
     * What a change to the Deployment still waits for, as {@code kstatus} reads a Deployment: the controller has not
     * seen its generation yet, pods are not all updated, old pods remain, updated pods are not all available. Null
     * when the rollout is complete.
     */
    static String rollout(String part, Deployment d) {
        DeploymentStatus s = d.getStatus();
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        String what = "the " + part + "'s Deployment ";
        if (s == null || s.getObservedGeneration() == null || s.getObservedGeneration() < generation) {
            return what + "waits for the Deployment controller to see its generation " + generation;
        }
        int desired = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = orZero(s.getUpdatedReplicas());
        if (updated < desired) {
            return what + "rolls out: " + updated + " of " + desired + " pods updated";
        }
        if (orZero(s.getReplicas()) > updated) {
            return what + "rolls out: " + (orZero(s.getReplicas()) - updated) + " old pods still terminating";
        }
        if (orZero(s.getAvailableReplicas()) < updated) {
            return what + "rolls out: " + orZero(s.getAvailableReplicas()) + " of " + updated
                    + " updated pods available";
        }
        return null;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
