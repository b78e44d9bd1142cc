package dev.interactiondemo.notifier;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.interactiondemo.notifier.DeliveryAudit.Outcome.AFTER_GAP;
import static dev.interactiondemo.notifier.DeliveryAudit.Outcome.DUPLICATE;
import static dev.interactiondemo.notifier.DeliveryAudit.Outcome.FIRST_DELIVERY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aRememberedPartitionGoesOnWhereTheMemoryLeftOff() {
        DeliveryAudit a = new DeliveryAudit();
        Map<String, Long> memory = new LinkedHashMap<>();
        memory.put("p", 10L);
        memory.put("q", 4L);
        assertTrue(a.remember(0, memory));
        assertEquals(DUPLICATE, a.record("p", 0, 9)); // replayed: at or below the remembered number
        assertEquals(DUPLICATE, a.record("p", 0, 10));
        assertEquals(FIRST_DELIVERY, a.record("p", 0, 11)); // the first after the commit
        assertEquals(FIRST_DELIVERY, a.record("q", 0, 5));
        assertEquals(FIRST_DELIVERY, a.record("r", 0, 30)); // a producer it does not remember starts where it is
        assertEquals(FIRST_DELIVERY, a.record("p", 1, 3)); // another partition took in nothing
        assertEquals(2, a.duplicates());
        assertEquals(0, a.lost());
        assertEquals(4, a.delivered());
        assertEquals(3, a.producers(), "a remembered producer counts once seen");
    }

    @Test
    void theFurtherOfItsOwnExpectationsAndAMemoryHolds() {
        DeliveryAudit a = new DeliveryAudit();
        a.record("p", 0, 1);
        a.record("p", 0, 2);
        assertTrue(a.remember(0, Map.of("p", 1L, "q", 7L)), "q is new");
        assertFalse(a.remember(0, Map.of("p", 2L)), "nothing further");
        assertEquals(DUPLICATE, a.record("p", 0, 2), "its own went further than the memory: a redelivery");
        assertEquals(DUPLICATE, a.record("q", 0, 7), "taken from the memory");
        assertEquals(FIRST_DELIVERY, a.record("p", 0, 3));
        assertTrue(a.remember(0, Map.of("p", 20L)), "another Worker went further meanwhile");
        assertEquals(FIRST_DELIVERY, a.record("p", 0, 21), "no gap where the memory says it was processed");
        assertFalse(a.remember(1, Map.of()), "an empty memory takes in nothing");
        assertEquals(0, a.lost());
    }

    @Test
    void lastSequencesPutTheMostRecentlySeenProducerFirst() {
        DeliveryAudit a = new DeliveryAudit();
        a.record("p", 0, 1);
        a.record("q", 0, 1);
        a.record("r", 1, 1);
        a.record("p", 0, 2);
        assertEquals(List.of(Map.entry("p", 2L), Map.entry("q", 1L)), List.copyOf(a.lastSequences(0).entrySet()));
        a.record("q", 0, 1); // a duplicate is seen too
        assertEquals(List.of("q", "p"), List.copyOf(a.lastSequences(0).keySet()));
        assertEquals(Map.of(), a.lastSequences(2));
        a.forget(List.of(0));
        assertEquals(Map.of(), a.lastSequences(0));

        DeliveryAudit next = new DeliveryAudit(); // a memory taken in keeps the order it is given
        Map<String, Long> memory = new LinkedHashMap<>();
        memory.put("q", 1L);
        memory.put("p", 2L);
        next.remember(0, memory);
        assertEquals(List.of("q", "p"), List.copyOf(next.lastSequences(0).keySet()));
    }
}
