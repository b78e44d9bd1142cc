package dev.interactiondemo.notifier;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;

import java.time.Instant;

/** Conversions between java.time and protobuf's well-known time types. */
final class ProtoTime {
    private ProtoTime() {
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static Duration duration(long nanos) {
        return Duration.newBuilder().setSeconds(nanos / 1_000_000_000L).setNanos((int) (nanos % 1_000_000_000L)).build();
    }
}
