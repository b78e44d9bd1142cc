package dev.interactiondemo.engine;
import dev.interactiondemo.kafka.KafkaReading;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Message counts with rates from the previous reading: what {@code status.messages} shows. */
public record MessageStats(long produced, long consumed, long lag, double producedPerSecond,
                           double consumedPerSecond, Instant lastUpdated) {

    /**
     * The stats of {@code now}: the rates of {@code previous} when {@code now} is the very reading {@code previous}
     * was made from (a status recomputed for another reason, a Pod or a health change, between two readings of
     * Kafka: no time has passed between the readings, so nothing is known to have stopped), else the rates between
     * the two readings.
     */
    public static MessageStats next(MessageStats previous, KafkaReading now) {
        if (previous != null && !now.at().truncatedTo(ChronoUnit.MILLIS).isAfter(previous.lastUpdated())) {
            return new MessageStats(now.produced(), now.consumed(), now.lag(), previous.producedPerSecond(),
                    previous.consumedPerSecond(), now.at());
        }
        return of(previous == null ? null : previous.reading(), now);
    }

    /** The reading these stats were made from. */
    public KafkaReading reading() {
        return new KafkaReading(lastUpdated, produced, consumed, lag);
    }

    /**
     * Rates from two successive readings; without a previous one (or with a restarted topic or group, where counts
     * went down) the rates are 0.
     */
    public static MessageStats of(KafkaReading previous, KafkaReading now) {
        double produced = 0;
        double consumed = 0;
        if (previous != null && now.at().isAfter(previous.at())) {
            double seconds = (now.at().toEpochMilli() - previous.at().toEpochMilli()) / 1000.0;
            produced = Math.max(0, now.produced() - previous.produced()) / seconds;
            consumed = Math.max(0, now.consumed() - previous.consumed()) / seconds;
        }
        return new MessageStats(now.produced(), now.consumed(), now.lag(), round(produced), round(consumed), now.at());
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }
}
