package dev.interactiondemo.notifier;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditMemoryTest {

    @Test
    void aPartitionsMemoryIsCompactVersionedAndReadBack() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("host-7f3a", 120L);
        m.put("sandbox-host", 4L);
        String metadata = AuditMemory.encode(m);
        assertEquals("a1;host-7f3a=120,sandbox-host=4", metadata);
        assertEquals(Optional.of(m), AuditMemory.decode(metadata));
        assertEquals(List.copyOf(m.keySet()), List.copyOf(AuditMemory.decode(metadata).orElseThrow().keySet()),
                "the most recent producer first, as written");
        assertEquals("", AuditMemory.encode(Map.of()), "nothing seen: no memory");
    }

    @Test
    void anyProducerIdSurvivesTheFormat() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("a,b=c;d%e f", 1L);
        m.put("Zoë=", 2L);
        assertEquals(Optional.of(m), AuditMemory.decode(AuditMemory.encode(m)));
    }

    @Test
    void itKeepsTheMostRecentProducersWithinKafkasDefaultLimit() {
        Map<String, Long> many = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            many.put("producer-" + i, (long) i);
        }
        Map<String, Long> kept = AuditMemory.decode(AuditMemory.encode(many)).orElseThrow();
        assertEquals(AuditMemory.MAX_PRODUCERS, kept.size());
        assertEquals(List.of("producer-0", "producer-1", "producer-2", "producer-3", "producer-4", "producer-5",
                "producer-6", "producer-7"), List.copyOf(kept.keySet()), "the first ones given: the most recent");

        Map<String, Long> long8 = new LinkedHashMap<>();
        long8.put("x".repeat(5000), 1L); // alone over the limit: left out, the others stay
        for (int i = 0; i < 8; i++) {
            long8.put(i + "y".repeat(600), (long) i);
        }
        String metadata = AuditMemory.encode(long8);
        assertTrue(metadata.getBytes(StandardCharsets.UTF_8).length <= AuditMemory.MAX_BYTES, metadata.length() + "");
        Map<String, Long> fit = AuditMemory.decode(metadata).orElseThrow();
        assertEquals(6, fit.size(), "as many of the most recent as fit in 4096 bytes: " + fit.keySet());
        assertTrue(fit.containsKey("0" + "y".repeat(600)));
    }

    @Test
    void otherMetadataIsNoMemoryAndABrokenOneIsRefusedWhole() {
        assertEquals(Optional.empty(), AuditMemory.decode(null));
        assertEquals(Optional.empty(), AuditMemory.decode(""));
        assertEquals(Optional.empty(), AuditMemory.decode("set by some tool"));
        assertEquals(Optional.empty(), AuditMemory.decode("a2;p=1"), "a later version is not read as this one");
        assertEquals(Optional.of(Map.of()), AuditMemory.decode("a1;"));
        for (String broken : List.of("a1;p", "a1;p=", "a1;p=x", "a1;p=1,", "a1;=3", "a1;p=-1", "a1;%zz=1")) {
            assertThrows(IllegalArgumentException.class, () -> AuditMemory.decode(broken), broken);
        }
    }
}
