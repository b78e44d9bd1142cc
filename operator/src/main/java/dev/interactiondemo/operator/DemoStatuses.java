package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.engine.Conditions;
import dev.interactiondemo.engine.StatusConditions;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest status the operator computed for each demo, numbered, for the read-only web page: one status per demo,
 * gone with the demo. (The page draws its charts from the statuses it sees while open.)
 */
public final class DemoStatuses {
    /** A status as the page gets it: numbered, with the time it was computed (epoch ms). */
    public record Entry(long seq, long time, InteractionDemoStatus status) {
    }

    /** A demo in the page's list. */
    public record Listed(String namespace, String name, boolean ready) {
    }

    private final Clock clock;
    private final Map<String, Entry> latest = new ConcurrentHashMap<>();

    public DemoStatuses(Clock clock) {
        this.clock = clock;
    }

    void record(InteractionDemo demo, InteractionDemoStatus status) {
        latest.compute(Names.key(demo), (k, before) -> before != null && before.status().equals(status) ? before
                : new Entry(before == null ? 1 : before.seq() + 1, clock.millis(), status));
    }

    void forget(InteractionDemo demo) {
        latest.remove(Names.key(demo));
    }

    public List<Listed> list() {
        return latest.entrySet().stream().map(e -> {
            String[] nn = e.getKey().split("/", 2);
            boolean ready = Conditions.find(e.getValue().status().getConditions(), StatusConditions.READY)
                    .map(Conditions::isTrue).orElse(false);
            return new Listed(nn[0], nn[1], ready);
        }).sorted(Comparator.comparing(Listed::namespace).thenComparing(Listed::name)).toList();
    }

    /** The demo's latest status if it is newer than {@code after}. */
    public Optional<Entry> after(String demo, long after) {
        return Optional.ofNullable(latest.get(demo)).filter(e -> e.seq() > after);
    }
}
