package dev.interactiondemo.notifier;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.interactiondemo.notifier.DeliveryAudit.Outcome.AFTER_GAP;
import static dev.interactiondemo.notifier.DeliveryAudit.Outcome.DUPLICATE;
import static dev.interactiondemo.notifier.DeliveryAudit.Outcome.FIRST_DELIVERY;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DeliveryAuditTest {
    @Test
    void inOrderDeliveryIsClean() {
        DeliveryAudit a = new DeliveryAudit();
        for (long i = 1; i <= 5; i++) {
            assertEquals(FIRST_DELIVERY, a.record("p", 0, i));
            assertEquals(FIRST_DELIVERY, a.record("p", 1, i));
        }
        assertEquals(10, a.delivered());
        assertEquals(0, a.duplicates());
        assertEquals(0, a.lost());
        assertEquals(1, a.producers());
    }

    @Test
    void redeliveryIsADuplicateAndASkipIsALoss() {
        DeliveryAudit a = new DeliveryAudit();
        a.record("p", 0, 1);
        a.record("p", 0, 2);
        assertEquals(DUPLICATE, a.record("p", 0, 2));
        assertEquals(DUPLICATE, a.record("p", 0, 1));
        assertEquals(AFTER_GAP, a.record("p", 0, 6)); // 3, 4, 5 never came
        assertEquals(FIRST_DELIVERY, a.record("p", 0, 7));
        assertEquals(4, a.delivered());
        assertEquals(2, a.duplicates());
        assertEquals(3, a.lost());
    }

    @Test
    void producersAndPartitionsAreAuditedSeparately() {
        DeliveryAudit a = new DeliveryAudit();
        a.record("p", 0, 1);
        a.record("q", 0, 1);
        a.record("p", 1, 1);
        assertEquals(FIRST_DELIVERY, a.record("q", 0, 2));
        assertEquals(0, a.lost());
        assertEquals(2, a.producers());
    }

    @Test
    void aPartitionThatMovedAwayAndBackIsNotALoss() {
        DeliveryAudit a = new DeliveryAudit();
        a.record("p", 0, 1);
        a.record("p", 1, 1);
        a.forget(List.of(0)); // another Worker consumes partition 0 for a while...
        assertEquals(FIRST_DELIVERY, a.record("p", 0, 40)); // ...and it comes back
        assertEquals(AFTER_GAP, a.record("p", 1, 3)); // partition 1 stayed: 2 is missing
        assertEquals(1, a.lost());
    }
}
