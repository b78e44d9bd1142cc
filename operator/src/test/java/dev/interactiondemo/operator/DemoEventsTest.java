package dev.interactiondemo.operator;

import dev.interactiondemo.engine.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which condition changes make an Event: transitions and news, not a new demo's parts on their way. */
class DemoEventsTest {
    private static Condition c(String status, String reason) {
        return "Unknown".equals(status) ? Conditions.unknown("X", reason, "m")
                : Conditions.of("X", "True".equals(status), reason, "m");
    }

    @Test
    void aChangeOfStatusIsNews() {
        assertTrue(DemoEvents.isNews(c("True", "Flowing"), c("False", "WorkerStalled")));
        assertTrue(DemoEvents.isNews(c("False", "NoReplicasAvailable"), c("True", "Available")));
        // even to a reason that is quiet on a new demo: a Greeter that was available and is no more
        assertTrue(DemoEvents.isNews(c("True", "Available"), c("False", "NoReplicasAvailable")));
    }

    @Test
    void theSameStatusIsNoNewsWhateverItsReason() {
        assertFalse(DemoEvents.isNews(c("False", "NotCreated"), c("False", "NoReplicasAvailable")));
        assertFalse(DemoEvents.isNews(c("True", "Created"), c("True", "Exists")));
    }

    @Test
    void aNewConditionIsNewsOnlyWhenItSaysSomethingIsWrong() {
        assertFalse(DemoEvents.isNews(null, c("False", "NotCreated")));
        assertFalse(DemoEvents.isNews(null, c("False", DemoObserver.OBSERVING)));
        assertFalse(DemoEvents.isNews(null, c("False", "NoFaults")));
        assertFalse(DemoEvents.isNews(null, c("Unknown", "Measuring")));
        assertFalse(DemoEvents.isNews(null, c("True", "AllPartsAvailable")));
        assertTrue(DemoEvents.isNews(null, c("False", "NameTaken")));
        assertTrue(DemoEvents.isNews(null, c("False", "BootstrapNotAllowed")));
        assertTrue(DemoEvents.isNews(null, c("False", "KafkaAuthenticationFailed")));
    }

    @Test
    void leavingUnknownIsNewsWhenItEndsWellOrBadly() {
        assertTrue(DemoEvents.isNews(c("Unknown", "Measuring"), c("True", "Flowing")));
        assertTrue(DemoEvents.isNews(c("Unknown", "KafkaUnreachable"), c("False", "KafkaAuthorizationFailed")));
        assertFalse(DemoEvents.isNews(c("Unknown", "Measuring"), c("False", "NothingProduced")));
        assertFalse(DemoEvents.isNews(c("Unknown", "Measuring"), c("Unknown", "KafkaUnreachable")));
    }
}
