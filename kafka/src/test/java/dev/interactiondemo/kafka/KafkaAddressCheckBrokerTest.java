package dev.interactiondemo.kafka;


import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The address check against a real Kafka broker (the non-Kafka servers are in common's tests). */
class KafkaAddressCheckBrokerTest {

    @Test
    void aRealBrokerIsKafka() {
        String bootstrap = LocalKafkaBroker.shared().bootstrapServers();
        var r = KafkaAddressCheck.checkAll(bootstrap, Duration.ofSeconds(5));
        assertEquals(KafkaAddressCheck.Verdict.KAFKA, r.verdict(), r.message());
        // Repeated checks do not upset the broker (one connection each, closed at once).
        for (int i = 0; i < 5; i++) {
            assertEquals(KafkaAddressCheck.Verdict.KAFKA, KafkaAddressCheck.check(bootstrap, Duration.ofSeconds(5))
                    .verdict());
        }
    }
}
