package dev.interactiondemo.notifier;

import dev.interactiondemo.kafka.KafkaAddressCheck;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.kafka.KafkaFailures;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Holds the Host and the Worker back from creating a Kafka client until the bootstrap address answers as Kafka.
 * kafka-clients sizes its first read from whatever answers, without a bound: an HTTP server's reply reads as a
 * 1.2 GB response and the JVM runs out of heap. {@link KafkaAddressCheck} asks with a bounded read instead. While
 * the address is not Kafka, or cannot be reached, the reason goes to the role (which shows it on {@code /readyz} and
 * logs it once per change) and the address is checked again with backoff, from 1 s up to 10 s.
 */
final class KafkaGate {
    /** How long one check may take, per address. */
    static final Duration CHECK_DEADLINE = Duration.ofSeconds(5);
    static final Duration FIRST_RECHECK = Duration.ofSeconds(1);
    static final Duration LAST_RECHECK = Duration.ofSeconds(10);

    private KafkaGate() {
    }

    /**
     * Returns the security to connect with once {@code bootstrapServers} answers as Kafka with it (read afresh from
     * its files each time, so a changed Secret counts); null if {@code running} turned false (or the thread was
     * interrupted) first.
     *
     * @param notReady gets {@code "kafka: <what answered>"} after each failed check
     */
    static KafkaClientSecurity awaitKafka(String bootstrapServers, KafkaSecurityFiles security,
                                          Consumer<String> notReady, BooleanSupplier running) {
        Backoff backoff = new Backoff(FIRST_RECHECK, LAST_RECHECK);
        while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            KafkaClientSecurity loaded = null;
            try {
                loaded = security.load();
            } catch (IllegalArgumentException e) {
                notReady.accept("kafka: the security settings cannot be used: " + e.getMessage());
            }
            if (loaded != null) {
                KafkaAddressCheck.Result result = KafkaAddressCheck.checkAll(bootstrapServers, CHECK_DEADLINE, loaded);
                if (result.isKafka()) {
                    return loaded;
                }
                notReady.accept("kafka: " + result.message());
            }
            pause(backoff.next(), running);
        }
        return null;
    }

    /** A Kafka client failure in words for {@code /readyz}: a security failure says which, with its reason. */
    static String problem(Throwable error, KafkaClientSecurity security) {
        return KafkaFailures.classify(error, KafkaFailures.principal(security))
                .map(f -> "kafka: " + f.reason() + ": " + f.message())
                .orElse("kafka: " + error.getMessage());
    }

    /** Waits for {@code d}, or less if {@code running} turns false or the thread is interrupted. */
    static void pause(Duration d, BooleanSupplier running) {
        long until = System.nanoTime() + d.toNanos();
        while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, 100_000_000L));
        }
    }
}
