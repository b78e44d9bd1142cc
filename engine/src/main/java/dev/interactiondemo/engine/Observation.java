package dev.interactiondemo.engine;
import dev.interactiondemo.kafka.TopicObservation;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.kafka.KafkaReading;
import dev.interactiondemo.api.status.PartitionLag;
import dev.interactiondemo.common.GreeterHealthCheck;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything observed about a demo at one moment: the input of {@link StatusCalculator}. The operator assembles it
 * from its observers, the dependents and the pods; the sandbox from the processes it runs. Both give it to the same
 * calculator, so a lesson reads the same on a cluster and on one machine.
 *
 * @param demo             the demo, with its previous status (transition times and rates come from it)
 * @param greeterEndpoint  where the Greeter answers, as the status shows it
 * @param greeterHealth    the gRPC health check's answer, or null when not made (no Greeter yet)
 * @param reading          message counts from Kafka, or null when Kafka could not be read
 * @param kafkaProblem     why Kafka could not be read, or null
 * @param dependentErrors  per part, why creating or updating it failed
 * @param members          the consumer group's members and their partitions, or null when not read
 * @param partitions       per partition: end, committed, lag; or null when not read
 * @param pods             what the Hosts and the Workers report of the lesson, or null before the first report
 * @param kafkaProblemReason a condition reason for {@code kafkaProblem} when the demo's own settings cause it (a
 *                         refused login, a missing Secret, ...), else null
 * @param user             the {@code UserReady} condition when the demo takes its credentials from a KafkaUser, else
 *                         null
 * @param cutNote          how the Host is cut from Kafka while {@code faults.kafka.cutHost} is on, or null
 */
public record Observation(InteractionDemo demo, DemoSettings settings, Workload greeter, Workload host,
                          Workload worker, String greeterEndpoint, TopicObservation topic,
                          GreeterHealthCheck.Health greeterHealth, KafkaReading reading, String kafkaProblem,
                          Map<Part, DependentFailure> dependentErrors, Instant now,
                          List<ConsumerMember> members, List<PartitionLag> partitions, PodFigures pods,
                          String kafkaProblemReason, Condition user, String cutNote) {

    /** The parts of a demo whose creation can fail, as {@link #dependentErrors} names them. */
    public enum Part { GREETER, TOPIC, USER, HOST, WORKER }
}
