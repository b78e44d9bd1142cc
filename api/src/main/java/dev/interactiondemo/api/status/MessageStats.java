package dev.interactiondemo.api.status;

import java.time.Instant;

/** Message counts with rates from the previous reading: what {@code status.messages} shows. */
public record MessageStats(long produced, long consumed, long lag, double producedPerSecond,
                           double consumedPerSecond, Instant lastUpdated) {

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
