package dev.interactiondemo.notifier;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link DeliveryAudit}'s memory of one partition as the metadata of the group's committed offset: per producer,
 * the last sequence number seen, so that whoever gets the partition next (this Worker after a restart, another Worker,
 * the Workers after a rewind) goes on counting where the commit left off. The format is versioned,
 * {@code a1;<producer id>=<sequence>,...}, producer ids URL-encoded, most recent first; it keeps the
 * {@link #MAX_PRODUCERS} most recent producers within {@link #MAX_BYTES}, Kafka's default
 * {@code offset.metadata.max.bytes} (a longer metadata fails the commit), and drops the rest.
 */
final class AuditMemory {
    /** The version prefix: a metadata string without it is not this memory (another tool's, or a later format). */
    static final String PREFIX = "a1;";
    /** The most producers remembered per partition: the most recent ones (a Host restarted gets a new id). */
    static final int MAX_PRODUCERS = 8;
    /** Kafka's default {@code offset.metadata.max.bytes}. */
    static final int MAX_BYTES = 4096;

    private AuditMemory() {
    }

    /**
     * The metadata for a partition's commit; "" when there is nothing to remember.
     *
     * @param lastSequences per producer, the last sequence number seen, the most recent producer first
     */
    static String encode(Map<String, Long> lastSequences) {
        if (lastSequences.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(PREFIX);
        int bytes = PREFIX.length();
        int kept = 0;
        for (Map.Entry<String, Long> e : lastSequences.entrySet()) {
            if (kept == MAX_PRODUCERS) {
                break;
            }
            // URL-encoded: ASCII, so a character is a byte.
            String entry = (kept == 0 ? "" : ",") + URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + e.getValue();
            if (bytes + entry.length() > MAX_BYTES) {
                continue; // an id too long to fit does not push out the others
            }
            s.append(entry);
            bytes += entry.length();
            kept++;
        }
        return kept == 0 ? "" : s.toString();
    }

    /**
     * The memory a commit's metadata carries: empty when it carries none (no metadata, another format); a malformed
     * one is refused whole, so the audit never goes on from half a memory.
     *
     * @throws IllegalArgumentException when it starts as this memory but cannot be read
     */
    static Optional<Map<String, Long>> decode(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        String body = metadata.substring(PREFIX.length());
        if (body.isEmpty()) {
            return Optional.of(m);
        }
        for (String entry : body.split(",", -1)) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not an audit memory: '" + metadata + "'");
            }
            try {
                long sequence = Long.parseLong(entry.substring(eq + 1));
                if (sequence < 0) {
                    throw new NumberFormatException("negative");
                }
                m.put(URLDecoder.decode(entry.substring(0, eq), StandardCharsets.UTF_8), sequence);
            } catch (IllegalArgumentException e) { // NumberFormatException, or a bad %-escape
                throw new IllegalArgumentException("not an audit memory: '" + metadata + "'", e);
            }
        }
        return Optional.of(m);
    }
}
