package dev.interactiondemo.engine;

import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The conditions of a demo's status, computed from what was observed. Pure functions: the operator and the sandbox
 * both use them, so the two report the same thing the same way.
 */
public final class StatusConditions {
    public static final String READY = "Ready";
    public static final String GREETER_AVAILABLE = "GreeterAvailable";
    public static final String TOPIC_READY = "TopicReady";
    public static final String HOST_AVAILABLE = "HostAvailable";
    public static final String WORKER_AVAILABLE = "WorkerAvailable";
    public static final String MESSAGES_FLOWING = "MessagesFlowing";

    private StatusConditions() {
    }

    /**
     * Reasons a part can have that say more than which part is missing: {@code Ready} takes them as its own reason,
     * so that {@code kubectl get}'s reader sees at once what to fix.
     */
    public static final List<String> DECISIVE_REASONS = List.of("NameTaken", "BootstrapNotAllowed",
            Cause.QUOTA_EXCEEDED, Cause.UNSCHEDULABLE, Cause.IMAGE_PULL_FAILED, Cause.CRASH_LOOPING);

    /**
     * All six conditions, {@code Ready} first. {@code Ready} is True when the Greeter, the topic, the Host and the
     * Worker are all available; {@code MessagesFlowing} is the lesson and does not gate it. Its reason names the
     * first part that is not available, unless a part has one of the {@link #DECISIVE_REASONS}.
     */
    public static List<Condition> compute(PartState greeter, PartState topic, PartState host, PartState worker,
                                          Condition messagesFlowing) {
        Map<String, PartState> parts = new LinkedHashMap<>();
        parts.put(GREETER_AVAILABLE, greeter);
        parts.put(TOPIC_READY, topic);
        parts.put(HOST_AVAILABLE, host);
        parts.put(WORKER_AVAILABLE, worker);
        List<Condition> conditions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String firstReason = null;
        for (Map.Entry<String, PartState> e : parts.entrySet()) {
            PartState s = e.getValue();
            conditions.add(Conditions.of(e.getKey(), s.available(), s.reason(), s.message()));
            if (!s.available()) {
                problems.add(e.getKey() + ": " + s.message());
                if (firstReason == null) {
                    firstReason = notReadyReason(e.getKey());
                }
            }
        }
        conditions.add(messagesFlowing);
        String decisive = parts.values().stream().filter(p -> !p.available())
                .map(PartState::reason).filter(DECISIVE_REASONS::contains).findFirst().orElse(null);
        if (decisive != null) {
            firstReason = decisive;
        }
        Condition ready = problems.isEmpty()
                ? Conditions.of(READY, true, "AllPartsAvailable", "Greeter, topic, Host and Worker are available")
                : Conditions.of(READY, false, firstReason, String.join("; ", problems));
        conditions.add(0, ready);
        return conditions;
    }

    private static String notReadyReason(String conditionType) {
        return switch (conditionType) {
            case GREETER_AVAILABLE -> "GreeterUnavailable";
            case TOPIC_READY -> "TopicNotReady";
            case HOST_AVAILABLE -> "HostUnavailable";
            default -> "WorkerUnavailable";
        };
    }

    /**
     * Whether messages go from the Host through Kafka to the Worker, judged from the counts Kafka reports.
     *
     * @param stats        the latest counts and rates; {@code null} when Kafka could not be read
     * @param ratesKnown   whether {@code stats} had a previous reading to compute rates from
     * @param kafkaProblem why Kafka could not be read, or {@code null}
     */
    public static Condition messagesFlowing(MessageStats stats, boolean ratesKnown, String kafkaProblem) {
        return messagesFlowing(stats, ratesKnown, null, kafkaProblem);
    }

    /**
     * As {@link #messagesFlowing(MessageStats, boolean, String)}, where {@code problemReason} names a problem in the
     * demo's own settings (a refused login, an untrusted certificate, a missing Secret or ACL): then nothing can
     * flow until the settings change, and the condition is False with that reason rather than Unknown.
     */
    public static Condition messagesFlowing(MessageStats stats, boolean ratesKnown, String problemReason,
                                            String kafkaProblem) {
        if (kafkaProblem != null && problemReason != null && !problemReason.equals("KafkaUnreachable")) {
            return Conditions.of(MESSAGES_FLOWING, false, problemReason, "cannot read message counts: " + kafkaProblem);
        }
        if (kafkaProblem != null || stats == null) {
            return Conditions.unknown(MESSAGES_FLOWING, "KafkaUnreachable",
                    "cannot read message counts: " + Objects.requireNonNullElse(kafkaProblem, "no reading yet"));
        }
        if (stats.produced() == 0) {
            // Nothing to measure yet, and the same after a second reading: one status says it, not two in a row.
            return Conditions.of(MESSAGES_FLOWING, false, "NothingProduced",
                    "no message produced yet: is the Host running? is the Greeter answering?");
        }
        if (!ratesKnown) {
            return Conditions.unknown(MESSAGES_FLOWING, "Measuring", "rates need a second reading");
        }
        if (stats.consumedPerSecond() > 0) {
            return Conditions.of(MESSAGES_FLOWING, true, "Flowing", String.format(
                    "%s/s produced, %s/s consumed, %d waiting", rate(stats.producedPerSecond()),
                    rate(stats.consumedPerSecond()), stats.lag()));
        }
        if (stats.lag() > 0) {
            return Conditions.of(MESSAGES_FLOWING, false, "WorkerStalled", stats.lag()
                    + " messages waiting in Kafka, none consumed since the last reading: is a Worker running? "
                    + "Kafka keeps messages until they are read");
        }
        if (stats.producedPerSecond() == 0) {
            return Conditions.of(MESSAGES_FLOWING, false, "NothingProduced",
                    "no new messages since the last reading: the Host is stopped or blocked (is the Greeter answering?)");
        }
        return Conditions.of(MESSAGES_FLOWING, true, "Flowing", String.format("%s/s produced, all consumed",
                rate(stats.producedPerSecond())));
    }

    /**
     * Stamps each condition with its last transition time: kept from {@code previous} when the status did not
     * change, {@code now} when it did or the condition is new.
     */
    public static List<Condition> withTransitionTimes(List<Condition> previous, List<Condition> next, Instant now) {
        Map<String, Condition> before = new LinkedHashMap<>();
        if (previous != null) {
            previous.forEach(c -> before.put(c.getType(), c));
        }
        List<Condition> stamped = new ArrayList<>();
        for (Condition c : next) {
            Condition old = before.get(c.getType());
            boolean unchanged = old != null && old.getStatus().equals(c.getStatus()) && old.getLastTransitionTime() != null;
            stamped.add(Conditions.at(c, unchanged ? Conditions.lastTransition(old) : now));
        }
        return stamped;
    }

    private static String rate(double perSecond) {
        return perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond);
    }
}
