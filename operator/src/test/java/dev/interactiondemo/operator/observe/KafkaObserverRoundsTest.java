package dev.interactiondemo.operator.observe;

import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.kafka.KafkaClientSecurity;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One observer makes one chain of rounds however many demos join it: a burst of new demos is observed at once, in a
 * round or two, not in a round each that then repeats every interval (which multiplied the reads of Kafka by the
 * number of demos ever registered).
 */
class KafkaObserverRoundsTest {

    private static ResourceID demo(int i) {
        return new ResourceID("d" + i, "rounds");
    }

    private static KafkaTarget target(int i) {
        return new KafkaTarget("rounds-" + i, "rounds-" + i, TopicManagement.External, 1, 1, Map.of(), null, false);
    }

    @Test
    void aBurstOfDemosMakesOneChainOfRounds() throws InterruptedException {
        Duration interval = Duration.ofMillis(500);
        Map<ResourceID, Boolean> seen = new ConcurrentHashMap<>();
        try (KafkaObserver observer = new KafkaObserver(new KafkaConnection(
                LocalKafkaBroker.shared().bootstrapServers(), KafkaClientSecurity.NONE), interval,
                Clock.systemUTC(), id -> seen.put(id, true))) {
            // A burst: twenty demos at once are observed in a round or two, not twenty.
            for (int i = 0; i < 20; i++) {
                observer.register(demo(i), target(i));
            }
            Await.until("the burst observed", () -> seen.size() == 20, Duration.ofSeconds(30));
            long burstRounds = observer.rounds();
            assertTrue(burstRounds <= 4, burstRounds + " rounds for a burst of 20 demos");
            // Ten more, one at a time, each observed at once; the periodic rounds stay one chain.
            for (int i = 20; i < 30; i++) {
                int n = i + 1;
                observer.register(demo(i), target(i));
                Await.until("demo " + i + " observed", () -> seen.size() == n, Duration.ofSeconds(30));
            }
            long before = observer.rounds();
            long start = System.nanoTime();
            Thread.sleep(interval.multipliedBy(4).toMillis()); // the scenario: four intervals pass, nothing awaited
            double intervals = (System.nanoTime() - start) / (double) interval.toNanos();
            long rounds = observer.rounds() - before;
            // One chain: a round per interval (one more at the edges); a chain per early round would make about 40.
            assertTrue(rounds >= 2 && rounds <= intervals + 2, rounds + " rounds in " + intervals + " intervals");
        }
    }
}
