package dev.interactiondemo.operator.kafka;

import io.fabric8.kubernetes.api.model.Condition;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UserReady from what a KafkaUser's own status says. */
class StrimziUsersTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KafkaUserBuilder user() {
        return new KafkaUserBuilder().withNewMetadata().withName("hello-user").withNamespace("demo").withGeneration(1L)
                .endMetadata();
    }

    private static Condition observe(Optional<KafkaUser> u, boolean managed, Instant now) {
        return StrimziUsers.observe(u, "hello-user", managed, "my-cluster", TIMEOUT, T0, now);
    }

    @Test
    void readyWhenTheUserOperatorSaysSoForTheCurrentSpec() {
        KafkaUser ready = user().withNewStatus().withObservedGeneration(1L).withSecret("hello-user")
                .withUsername("hello-user").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
        Condition c = observe(Optional.of(ready), true, T0);
        assertEquals("True", c.getStatus());
        assertEquals("KafkaUserReady", c.getReason());
        assertTrue(c.getMessage().contains("credentials in Secret hello-user"), c.getMessage());
        KafkaUser stale = user().editMetadata().withGeneration(2L).endMetadata().withStatus(ready.getStatus()).build();
        assertEquals("WaitingForUserOperator", observe(Optional.of(stale), true, T0).getReason(),
                "a Ready status of an older spec says nothing of the current one");
    }

    @Test
    void notReadyPassesOnWhatStrimziSays() {
        KafkaUser refused = user().withNewStatus().withObservedGeneration(1L).addNewCondition().withType("Ready")
                .withStatus("False").withReason("InvalidResourceException").withMessage("bad ACL").endCondition()
                .endStatus().build();
        Condition c = observe(Optional.of(refused), true, T0);
        assertEquals("KafkaUserNotReady", c.getReason());
        assertTrue(c.getMessage().contains("InvalidResourceException: bad ACL"), c.getMessage());
    }

    @Test
    void noUserOperatorIsNamedAsTheLikelyCauseAfterTheTimeout() {
        KafkaUser waiting = user().build();
        assertEquals("WaitingForUserOperator", observe(Optional.of(waiting), true, T0.plusSeconds(30)).getReason());
        Condition c = observe(Optional.of(waiting), true, T0.plusSeconds(61));
        assertEquals("UserOperatorNotResponding", c.getReason());
        assertTrue(c.getMessage().contains("entityOperator.userOperator"), c.getMessage());
    }

    @Test
    void aMissingUserIsBeingCreatedOrNotFound() {
        assertEquals("Creating", observe(Optional.empty(), true, T0).getReason());
        Condition c = observe(Optional.empty(), false, T0);
        assertEquals("KafkaUserNotFound", c.getReason());
        assertEquals("False", c.getStatus());
    }
}
