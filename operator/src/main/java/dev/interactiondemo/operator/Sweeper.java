package dev.interactiondemo.operator;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.common.Threads;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the operator holds for a demo (observers, meters, channels) goes with the demo's deletion event; should that
 * event be missed (a reconcile that failed as the demo went), this sweep lets go, each interval, of every demo the
 * cache no longer has. An event source only so that java-operator-sdk starts and stops it with the controller; it
 * sends no events.
 */
final class Sweeper extends AbstractEventSource<Void, InteractionDemo> {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final Duration interval;
    private final IndexerResourceCache<InteractionDemo> cache;
    private final Map<ResourceID, InteractionDemo> known;
    private final Consumer<InteractionDemo> forget;
    private ScheduledExecutorService thread;

    /**
     * @param known  the demos something is held for, as last reconciled
     * @param forget lets go of what is held for a demo (and removes it from {@code known})
     */
    Sweeper(Duration interval, IndexerResourceCache<InteractionDemo> cache, Map<ResourceID, InteractionDemo> known,
            Consumer<InteractionDemo> forget) {
        super(Void.class, "sweeper");
        this.interval = interval;
        this.cache = cache;
        this.known = known;
        this.forget = forget;
    }

    @Override
    public synchronized void start() {
        thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("interactiondemo-sweeper"));
        thread.scheduleWithFixedDelay(this::sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        super.start();
    }

    void sweep() {
        known.forEach((id, demo) -> {
            if (cache.get(id).isEmpty()) {
                LOG.info("{} is gone: letting go of what was kept for it", Names.key(demo));
                forget.accept(demo);
            }
        });
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            thread.shutdownNow();
        }
        super.stop();
    }

    @Override
    public Set<Void> getSecondaryResources(InteractionDemo primary) {
        return Set.of();
    }
}
