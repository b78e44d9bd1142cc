package dev.interactiondemo.operator.status;

import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.PartitionLag;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.operator.dependents.DemoSettings;
import dev.interactiondemo.kafka.TopicObservation;
import dev.interactiondemo.operator.observe.PodFigures;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one reconcile observed about a demo: the inputs of {@link StatusCalculator}.
 *
 * @param greeterHealth    the operator's gRPC health check, or null when not made (no Greeter Deployment yet)
 * @param reading          message counts from Kafka, or null when Kafka could not be read
 * @param kafkaProblem     why Kafka could not be read, or null
 * @param dependentErrors  per component (greeter, host, worker, topic), why creating or updating it failed
 * @param members          the consumer group's members and their partitions, or null when not read
 * @param partitions       per partition: end, committed, lag; or null when not read
 * @param pods             what the Hosts' and Workers' /metrics say, or null before the first reading
 * @param kafkaProblemReason a condition reason for {@code kafkaProblem} when the demo's own settings cause it (a
 *                         refused login, a missing Secret, ...), else null
 * @param user             the {@code UserReady} condition when the demo takes its credentials from a KafkaUser, else
 *                         null
 */
public record Observation(InteractionDemo demo, DemoSettings settings, Optional<Deployment> greeter,
                          Optional<Deployment> host, Optional<Deployment> worker, TopicObservation topic,
                          GreeterHealthCheck.Health greeterHealth, KafkaReading reading, String kafkaProblem,
                          Map<String, DependentFailure> dependentErrors, Instant now,
                          List<ConsumerMember> members, List<PartitionLag> partitions, PodFigures pods,
                          String kafkaProblemReason, Condition user) {

    public Observation(InteractionDemo demo, DemoSettings settings, Optional<Deployment> greeter,
                       Optional<Deployment> host, Optional<Deployment> worker, TopicObservation topic,
                       GreeterHealthCheck.Health greeterHealth, KafkaReading reading, String kafkaProblem,
                       Map<String, DependentFailure> dependentErrors, Instant now,
                       List<ConsumerMember> members, List<PartitionLag> partitions, PodFigures pods) {
        this(demo, settings, greeter, host, worker, topic, greeterHealth, reading, kafkaProblem, dependentErrors, now,
                members, partitions, pods, null, null);
    }

    public Observation(InteractionDemo demo, DemoSettings settings, Optional<Deployment> greeter,
                       Optional<Deployment> host, Optional<Deployment> worker, TopicObservation topic,
                       GreeterHealthCheck.Health greeterHealth, KafkaReading reading, String kafkaProblem,
                       Map<String, DependentFailure> dependentErrors, Instant now) {
        this(demo, settings, greeter, host, worker, topic, greeterHealth, reading, kafkaProblem, dependentErrors, now,
                null, null, null, null, null);
    }
}
