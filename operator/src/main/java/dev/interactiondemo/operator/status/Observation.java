package dev.interactiondemo.operator.status;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.KafkaReading;
import dev.interactiondemo.operator.dependents.DemoSettings;
import dev.interactiondemo.operator.kafka.TopicObservation;
import dev.interactiondemo.probes.GreeterProbe;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one reconcile observed about a demo: the inputs of {@link StatusCalculator}.
 *
 * @param greeterHealth    the operator's gRPC health check, or null when not made (no Greeter Deployment yet)
 * @param reading          message counts from Kafka, or null when Kafka could not be read
 * @param kafkaProblem     why Kafka could not be read, or null
 * @param dependentErrors  per component (greeter, host, worker, topic), why creating or updating it failed
 */
public record Observation(InteractionDemo demo, DemoSettings settings, Optional<Deployment> greeter,
                          Optional<Deployment> host, Optional<Deployment> worker, TopicObservation topic,
                          GreeterProbe.Health greeterHealth, KafkaReading reading, String kafkaProblem,
                          Map<String, DependentFailure> dependentErrors, Instant now) {
}
