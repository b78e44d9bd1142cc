package dev.interactiondemo.operator.observe;

import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The latest asynchronous reading of something per demo (a Greeter's health, its pods' metrics): asked for, it is
 * given at once, and read again in the background when it is older than the interval (one reading at a time per
 * demo); a reading that differs from the one before is reported to {@code onChange}, a demo that is gone is dropped.
 */
final class LatestReadings<T> {
    private record Entry<T>(T value, Instant at, boolean reading) {
    }

    private final Duration interval;
    private final Clock clock;
    private final Map<ResourceID, Entry<T>> entries = new ConcurrentHashMap<>();
    private volatile Consumer<ResourceID> onChange = id -> { };

    LatestReadings(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    void onChange(Consumer<ResourceID> listener) {
        this.onChange = listener;
    }

    /**
     * The latest value for {@code demo}; when it is stale and no reading is under way, {@code read} starts one, which
     * must end in {@link #done}.
     */
    Optional<T> latest(ResourceID demo, Runnable read) {
        Instant now = clock.instant();
        AtomicBoolean start = new AtomicBoolean();
        Entry<T> e = entries.compute(demo, (k, before) -> {
            boolean stale = before == null || before.at() == null || !before.at().plus(interval).isAfter(now);
            if (before != null && (before.reading() || !stale)) {
                return before;
            }
            start.set(true);
            return new Entry<>(before == null ? null : before.value(), before == null ? null : before.at(), true);
        });
        if (start.get()) {
            read.run();
        }
        return Optional.ofNullable(e.value());
    }

    /** The previous value, to compute the next one from (e.g. rates); empty before the first. */
    Optional<T> previous(ResourceID demo) {
        return Optional.ofNullable(entries.get(demo)).map(Entry::value);
    }

    /** A reading ended with {@code value}; a value unlike the one before is reported. */
    void done(ResourceID demo, T value) {
        Entry<T> before = entries.get(demo);
        if (before == null) {
            return; // forgotten meanwhile
        }
        entries.put(demo, new Entry<>(value, clock.instant(), false));
        if (!value.equals(before.value())) {
            onChange.accept(demo);
        }
    }

    void forget(ResourceID demo) {
        entries.remove(demo);
    }
}
