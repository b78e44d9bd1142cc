package dev.interactiondemo.engine;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a part's pods do not run, from what the controller manager, the scheduler and the kubelet wrote: the
 * Deployment's {@code ReplicaFailure} condition (which the Deployment controller copies from its ReplicaSet: a
 * ResourceQuota's refusal), the pods' {@code PodScheduled} condition (the scheduler's message) and their containers'
 * states (an image that cannot be pulled, a container that exits again and again, one that runs but is not ready).
 * A pure function of objects the operator already holds in its informers' caches: no API call.
 */
public final class PodCauses {
    /** The admission plugin's words: {@code exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1}. */
    private static final Pattern QUOTA = Pattern.compile(
            "exceeded quota: ([^,]+), requested: (.+?), used: (.+?), limited: ([^:]+?)$");
    private static final Set<String> IMAGE_PULL = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");
    private static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    /** The kubelet's defaults for a readiness probe that does not say: 10 s apart, 3 failures. */
    private static final int PROBE_PERIOD = 10;
    private static final int PROBE_FAILURES = 3;

    private PodCauses() {
    }

    /**
     * The cause, or null when none is known (the pods run, or are on their way).
     *
     * @param part       the part's name, {@code Greeter}, {@code Host} or {@code Worker}
     * @param conditions the Deployment's conditions
     * @param pods       the part's pods (those being deleted are ignored)
     * @param now        to tell a container that is starting from one whose readiness probe keeps failing
     */
    public static Cause of(String part, List<DeploymentCondition> conditions, List<Pod> pods, Instant now) {
        String field = "spec." + part.toLowerCase(Locale.ROOT);
        Cause quota = quota(part, field, conditions);
        if (quota != null) {
            return quota;
        }
        List<Pod> live = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        List<BiFunction<Pod, String, Cause>> looks = List.of(
                (pod, f) -> unschedulable(part, f, pod),
                (pod, f) -> imagePull(part, f, pod),
                (pod, f) -> crashLooping(part, f, pod),
                (pod, f) -> notReady(part, pod, now));
        for (BiFunction<Pod, String, Cause> look : looks) {
            for (Pod pod : live) {
                Cause cause = look.apply(pod, field);
                if (cause != null) {
                    return cause;
                }
            }
        }
        return null;
    }

    /** The ReplicaSet cannot create pods: the message the API server gave it, when a quota refused. */
    private static Cause quota(String part, String field, List<DeploymentCondition> conditions) {
        String refusal = replicaFailure(conditions);
        if (refusal == null || !refusal.contains("exceeded quota:")) {
            return null;
        }
        Matcher m = QUOTA.matcher(refusal);
        if (!m.find()) {
            return new Cause(Cause.QUOTA_EXCEEDED, "a ResourceQuota of the namespace refuses the " + part
                    + "'s pods (" + refusal + "): raise the quota or lower " + field + ".resources");
        }
        String requested = m.group(2);
        boolean pods = requested.contains("pods=");
        boolean compute = requested.contains("cpu") || requested.contains("memory");
        String remedy = pods && compute ? field + ".replicas or " + field + ".resources"
                : pods ? field + ".replicas" : field + ".resources";
        return new Cause(Cause.QUOTA_EXCEEDED, "ResourceQuota " + m.group(1).trim() + " refuses the " + part
                + "'s pods (requested " + requested + "; used " + m.group(3) + "; limited " + m.group(4).trim()
                + "): raise the quota or lower " + remedy);
    }

    /** The message of the Deployment's {@code ReplicaFailure} condition while it holds, or null. */
    public static String replicaFailure(List<DeploymentCondition> conditions) {
        return conditions == null ? null : conditions.stream()
                .filter(c -> "ReplicaFailure".equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()))
                .map(DeploymentCondition::getMessage).filter(m -> m != null && !m.isBlank()).findFirst()
                .orElse(null);
    }

    private static Cause unschedulable(String part, String field, Pod pod) {
        PodCondition scheduled = podCondition(pod, "PodScheduled");
        if (scheduled == null || !Conditions.FALSE.equals(scheduled.getStatus())
                || !"Unschedulable".equals(scheduled.getReason())) {
            return null;
        }
        return new Cause(Cause.UNSCHEDULABLE, "the scheduler finds no node for the " + part + "'s pod "
                + name(pod) + ": " + trimDot(scheduled.getMessage()) + ": free room on the nodes (or add nodes), or "
                + "lower " + field + ".resources");
    }

    private static Cause imagePull(String part, String field, Pod pod) {
        for (ContainerStatus c : containers(pod)) {
            var waiting = c.getState() == null ? null : c.getState().getWaiting();
            if (waiting != null && IMAGE_PULL.contains(waiting.getReason())) {
                String image = c.getImage() != null && !c.getImage().isBlank() ? c.getImage()
                        : container(pod, c.getName()).map(Container::getImage).orElse("?");
                return new Cause(Cause.IMAGE_PULL_FAILED, "the " + part + "'s image " + image
                        + " cannot be pulled (" + waiting.getReason()
                        + (waiting.getMessage() == null ? "" : ": " + trimDot(waiting.getMessage()))
                        + "): check " + field + ".image (or the operator's default image), that it exists and that "
                        + "the nodes can pull it (with pull policy IfNotPresent or Never: that it was loaded into "
                        + "the nodes)");
            }
        }
        return null;
    }

    private static Cause crashLooping(String part, String field, Pod pod) {
        for (ContainerStatus c : containers(pod)) {
            var waiting = c.getState() == null ? null : c.getState().getWaiting();
            ContainerStateTerminated last = c.getLastState() == null ? null : c.getLastState().getTerminated();
            if (last == null && c.getState() != null) {
                last = c.getState().getTerminated();
            }
            int restarts = c.getRestartCount() == null ? 0 : c.getRestartCount();
            boolean backingOff = waiting != null && CRASH_LOOP_BACK_OFF.equals(waiting.getReason());
            boolean exitedAgain = restarts > 0 && last != null && last.getExitCode() != null
                    && last.getExitCode() != 0 && !Boolean.TRUE.equals(c.getReady());
            if (!backingOff && !exitedAgain) {
                continue;
            }
            StringBuilder m = new StringBuilder("the " + part + "'s container " + c.getName() + " in pod "
                    + name(pod) + " keeps stopping (" + restarts + (restarts == 1 ? " restart" : " restarts")
                    + (backingOff ? ", restarted after a back-off" : "") + ")");
            if (last == null) {
                return new Cause(Cause.CRASH_LOOPING, m + ": kubectl logs " + name(pod) + " --previous says why");
            }
            String reason = last.getReason() == null ? "" : " (" + last.getReason() + ")";
            m.append(": last exit code ").append(last.getExitCode()).append(reason);
            if ("OOMKilled".equals(last.getReason())) {
                String limit = container(pod, c.getName()).map(PodCauses::memoryLimit).orElse(null);
                m.append(limit == null ? ", out of memory" : " at its memory limit of " + limit)
                        .append(": raise ").append(field).append(".resources.limits.memory");
            } else {
                m.append(": kubectl logs ").append(name(pod)).append(" --previous says why; check ").append(field)
                        .append("'s settings");
            }
            return new Cause(Cause.CRASH_LOOPING, m.toString());
        }
        return null;
    }

    /** A container that has run longer than its readiness probe needs to pass, and is still not ready. */
    private static Cause notReady(String part, Pod pod, Instant now) {
        for (ContainerStatus c : containers(pod)) {
            var running = c.getState() == null ? null : c.getState().getRunning();
            if (running == null || Boolean.TRUE.equals(c.getReady()) || running.getStartedAt() == null) {
                continue;
            }
            Optional<Probe> probe = container(pod, c.getName()).map(Container::getReadinessProbe);
            Duration grace = Duration.ofSeconds(probe.map(p -> orDefault(p.getInitialDelaySeconds(), 0)
                    + orDefault(p.getPeriodSeconds(), PROBE_PERIOD) * orDefault(p.getFailureThreshold(),
                    PROBE_FAILURES)).orElse(PROBE_PERIOD * PROBE_FAILURES));
            Instant started;
            try {
                started = Instant.parse(running.getStartedAt());
            } catch (DateTimeParseException e) {
                continue;
            }
            Duration ran = Duration.between(started, now);
            if (ran.compareTo(grace) < 0) {
                continue; // starting: its probe has not had its chances yet
            }
            PodCondition ready = podCondition(pod, "Ready");
            String kubelet = ready == null || ready.getMessage() == null ? "" : " (" + ready.getMessage() + ")";
            return new Cause(Cause.NOT_READY, "the " + part + "'s container " + c.getName() + " in pod " + name(pod)
                    + " has run for " + ran.toSeconds() + " s and is not ready" + kubelet + ": its readiness "
                    + "probe fails (kubectl describe pod " + name(pod) + " shows its answer)");
        }
        return null;
    }

    private static String memoryLimit(Container container) {
        if (container.getResources() == null || container.getResources().getLimits() == null) {
            return null;
        }
        Quantity q = container.getResources().getLimits().get("memory");
        return q == null ? null : q.toString();
    }

    private static List<ContainerStatus> containers(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                : pod.getStatus().getContainerStatuses();
    }

    private static Optional<Container> container(Pod pod, String name) {
        return pod.getSpec() == null || pod.getSpec().getContainers() == null ? Optional.empty()
                : pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    private static PodCondition podCondition(Pod pod, String type) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? null
                : pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElse(null);
    }

    private static String name(Pod pod) {
        return pod.getMetadata().getName();
    }

    private static int orDefault(Integer value, int otherwise) {
        return value == null || value == 0 ? otherwise : value;
    }

    private static String trimDot(String message) {
        String m = message == null ? "" : message.trim();
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
