package dev.interactiondemo.engine;

import dev.interactiondemo.api.InteractionDemo;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one condition type of the project: Kubernetes' own ({@code type}, {@code status} True/False/Unknown, a CamelCase
 * {@code reason}, a {@code message} for humans, {@code lastTransitionTime}, {@code observedGeneration}), as the
 * operator writes it on an InteractionDemo and the sandbox prints it. These helpers make and read them.
 */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {
    }

    public static Condition of(String type, boolean ok, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(ok ? TRUE : FALSE).withReason(reason)
                .withMessage(message).build();
    }

    public static Condition unknown(String type, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(UNKNOWN).withReason(reason).withMessage(message)
                .build();
    }

    public static boolean isTrue(Condition c) {
        return c != null && TRUE.equals(c.getStatus());
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** A copy of {@code c} that changed status at {@code at} (RFC 3339, whole seconds, as Kubernetes writes it). */
    public static Condition at(Condition c, Instant at) {
        return new ConditionBuilder(c).withLastTransitionTime(at == null ? null : at.toString()).build();
    }

    public static Instant lastTransition(Condition c) {
        return c.getLastTransitionTime() == null ? null : Instant.parse(c.getLastTransitionTime());
    }
}
