package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.engine.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a Strimzi KafkaUser's own status says, as the {@code UserReady} condition. Pure. As for KafkaTopics, a status
 * counts only when it is about the current spec ({@code status.observedGeneration}).
 */
public final class StrimziUsers {
    public static final String USER_READY = "UserReady";

    private StrimziUsers() {
    }

    /**
     * @param user         the KafkaUser, or empty when not created yet (managed) or not found (existing)
     * @param name         its name
     * @param managed      whether the operator creates it
     * @param clusterName  the Strimzi cluster it is labelled for
     * @param timeout      how long it may wait for the User Operator before the message names the likely cause
     * @param waitingSince since when its current generation has been waiting for the User Operator
     */
    public static Condition observe(Optional<KafkaUser> user, String name, boolean managed, String clusterName,
                                    Duration timeout, Instant waitingSince, Instant now) {
        if (user.isEmpty()) {
            return managed ? Conditions.of(USER_READY, false, "Creating", "KafkaUser " + name + " being created")
                    : Conditions.of(USER_READY, false, "KafkaUserNotFound", "KafkaUser " + name + " (kafka.user.name) "
                    + "does not exist in this namespace");
        }
        KafkaUser u = user.get();
        Long generation = u.getMetadata().getGeneration();
        Long observed = u.getStatus() == null ? null : u.getStatus().getObservedGeneration();
        boolean current = u.getStatus() != null && (generation == null || (observed != null && observed >= generation));
        List<io.strimzi.api.kafka.model.common.Condition> conditions = !current
                || u.getStatus().getConditions() == null ? List.of() : u.getStatus().getConditions();
        var ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
        if (ready.isPresent() && "True".equals(ready.get().getStatus())) {
            String secret = u.getStatus().getSecret() == null ? name : u.getStatus().getSecret();
            return Conditions.of(USER_READY, true, "KafkaUserReady", "KafkaUser " + name + " is Ready: user "
                    + Optional.ofNullable(u.getStatus().getUsername()).orElse(name) + ", credentials in Secret " + secret);
        }
        if (ready.isPresent() && ready.get().getMessage() != null) {
            return Conditions.of(USER_READY, false, "KafkaUserNotReady", "KafkaUser " + name + " is not Ready: "
                    + Optional.ofNullable(ready.get().getReason()).map(r -> r + ": ").orElse("")
                    + ready.get().getMessage());
        }
        boolean overdue = waitingSince != null && waitingSince.plus(timeout).isBefore(now);
        if (!overdue) {
            return Conditions.of(USER_READY, false, "WaitingForUserOperator", "KafkaUser " + name
                    + " is waiting for the Strimzi User Operator");
        }
        return Conditions.of(USER_READY, false, "UserOperatorNotResponding", "KafkaUser " + name + " has not been "
                + "Ready for " + timeout.toSeconds() + "s" + (u.getStatus() == null ? " and has no status at all" : "")
                + ": is a Strimzi User Operator watching label strimzi.io/cluster=" + clusterName + " in namespace "
                + u.getMetadata().getNamespace() + "? (check that the Kafka cluster " + clusterName + " exists there "
                + "and has entityOperator.userOperator enabled)");
    }
}
