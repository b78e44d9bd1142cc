package dev.interactiondemo.operator.observe;

import java.time.Clock;
import java.time.Duration;

/** What the reconciler learns the outside world from, without waiting on it: Kafka observers and Greeter health. */
public record Observers(KafkaObservers kafka, GreeterHealth greeters) implements AutoCloseable {

    public static Observers every(Duration interval, Clock clock) {
        return new Observers(new KafkaObservers(interval, clock), new GreeterHealth(interval, clock));
    }

    @Override
    public void close() {
        kafka.close();
    }
}
