package dev.interactiondemo.operator.observe;

import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.kafka.TopicObservation;

import dev.interactiondemo.kafka.KafkaConnection;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The operator's Kafka observers: one per Kafka cluster and security (a {@link KafkaConnection}) that at least one
 * demo uses, made with its first demo and closed, with its Admin client and thread, when its last demo goes or moves
 * to another address or other credentials.
 */
public final class KafkaObservers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaObservers.class);

    private final Duration interval;
    private final Clock clock;
    private volatile Consumer<ResourceID> onChange = id -> { };
    private final Map<KafkaConnection, KafkaObserver> observers = new HashMap<>();
    /** How each demo is observed. */
    private final Map<ResourceID, KafkaConnection> addresses = new HashMap<>();

    public KafkaObservers(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /** Where a changed observation is reported: the reconciler's event source. */
    public void onChange(Consumer<ResourceID> listener) {
        this.onChange = listener;
    }

    /** Observes {@code demo} through {@code connection} from now on, and returns its latest observation, if any yet. */
    public synchronized Optional<KafkaObservation> observe(ResourceID demo, KafkaConnection connection,
                                                           KafkaTarget target) {
        KafkaConnection before = addresses.put(demo, connection);
        if (before != null && !before.equals(connection)) {
            leave(demo, before);
        }
        KafkaObserver observer = observers.computeIfAbsent(connection, c -> {
            LOG.info("Observing Kafka at {}", c);
            return new KafkaObserver(c, interval, clock, id -> onChange.accept(id));
        });
        observer.register(demo, target);
        return observer.latest(demo);
    }

    /** The latest observation of a demo, without registering it. */
    public synchronized Optional<KafkaObservation> latest(ResourceID demo) {
        KafkaConnection address = addresses.get(demo);
        KafkaObserver observer = address == null ? null : observers.get(address);
        return observer == null ? Optional.empty() : observer.latest(demo);
    }

    /**
     * Creates or grows a demo's topic for its topic dependent, batched with the other demos' changes on its cluster;
     * empty when the demo is not observed or its Kafka cannot be reached.
     */
    public Optional<TopicObservation> changeTopic(ResourceID demo, TopicAdmin.Want want) {
        KafkaObserver observer;
        synchronized (this) {
            KafkaConnection address = addresses.get(demo);
            observer = address == null ? null : observers.get(address);
        }
        return observer == null ? Optional.empty() : Optional.ofNullable(observer.changeTopic(demo, want));
    }

    /** The demo is gone: it is no longer observed, and its cluster's observer closes if it was the last. */
    public synchronized void forget(ResourceID demo) {
        KafkaConnection address = addresses.remove(demo);
        if (address != null) {
            leave(demo, address);
        }
    }

    /** The Admin client of the cluster a demo is observed at (for its topic dependent), or empty if none can be made. */
    public Optional<Admin> admin(ResourceID demo) {
        KafkaObserver observer;
        synchronized (this) {
            KafkaConnection address = addresses.get(demo);
            observer = address == null ? null : observers.get(address);
        }
        return observer == null ? Optional.empty() : Optional.ofNullable(observer.admin());
    }

    /** Why the cluster of a demo cannot be used, as its last round found; empty when it worked. */
    public synchronized Optional<String> problem(ResourceID demo) {
        KafkaConnection address = addresses.get(demo);
        KafkaObserver observer = address == null ? null : observers.get(address);
        return observer == null ? Optional.empty() : Optional.ofNullable(observer.problem());
    }

    /** How many clusters are observed (each with one thread and at most one Admin client). */
    public synchronized int clusters() {
        return observers.size();
    }

    private void leave(ResourceID demo, KafkaConnection address) {
        KafkaObserver observer = observers.get(address);
        if (observer != null && observer.unregister(demo)) {
            observers.remove(address);
            observer.close();
            LOG.info("No demo uses Kafka at {} any more: its observer is closed", address);
        }
    }

    @Override
    public synchronized void close() {
        observers.values().forEach(KafkaObserver::close);
        observers.clear();
        addresses.clear();
    }
}
