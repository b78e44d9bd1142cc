package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.operator.api.ConsumerSpec;
import dev.interactiondemo.operator.api.InteractionDemo;
import dev.interactiondemo.operator.api.TopicSpec;

/** Names derived from an InteractionDemo: one place, so dependents and status agree. */
public final class Names {
    public static final int GREETER_PORT = 50051;
    public static final int GREETER_METRICS_PORT = 9090;
    public static final int NOTIFIER_HTTP_PORT = 8080;

    private Names() {
    }

    public static String greeter(InteractionDemo d) {
        return d.getMetadata().getName() + "-greeter";
    }

    public static String host(InteractionDemo d) {
        return d.getMetadata().getName() + "-host";
    }

    public static String worker(InteractionDemo d) {
        return d.getMetadata().getName() + "-worker";
    }

    /** The KafkaTopic resource's name (a Kubernetes name; the Kafka topic name may differ). */
    public static String kafkaTopicResource(InteractionDemo d) {
        return d.getMetadata().getName() + "-notifications";
    }

    /** The Kafka topic's name. */
    public static String topic(InteractionDemo d) {
        TopicSpec t = d.getSpec().getKafka().getTopic();
        return t != null && t.getName() != null ? t.getName() : d.getMetadata().getName() + "-notifications";
    }

    public static String groupId(InteractionDemo d) {
        ConsumerSpec c = d.getSpec().getConsumer();
        return c != null && c.getGroupId() != null ? c.getGroupId() : d.getMetadata().getName() + "-workers";
    }

    /** Where the Greeter answers, inside the cluster. */
    public static String greeterEndpoint(InteractionDemo d) {
        return greeter(d) + "." + d.getMetadata().getNamespace() + ".svc:" + GREETER_PORT;
    }

    /** Kafka's bootstrap address: bootstrapServers, else the Strimzi cluster's bootstrap Service. */
    public static String bootstrapServers(InteractionDemo d) {
        var k = d.getSpec().getKafka();
        return k.getBootstrapServers() != null ? k.getBootstrapServers()
                : k.getClusterName() + "-kafka-bootstrap." + d.getMetadata().getNamespace() + ".svc:9092";
    }
}
