package dev.interactiondemo.api;

import dev.interactiondemo.api.spec.WorkerSpec;
import dev.interactiondemo.api.spec.TopicSpec;

import dev.interactiondemo.common.Defaults;

/** Names derived from an InteractionDemo: one place, so dependents and status agree. */
public final class Names {
    public static final int GREETER_PORT = Defaults.GREETER_PORT;
    public static final int GREETER_METRICS_PORT = Defaults.GREETER_METRICS_PORT;
    public static final int NOTIFIER_HTTP_PORT = Defaults.NOTIFIER_HTTP_PORT;

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

    /**
     * The Kafka topic's name: {@code topic.name}, else the name this demo already uses (recorded in its status), else
     * {@code <namespace>.<name>-notifications}. Kafka's names are shared by every namespace on a cluster: the
     * namespace keeps same-named demos of different namespaces apart (neither part can hold a '.', so no two demos
     * get the same default). The name recorded in the status comes first, so that a change of the default never
     * moves a running demo to another topic.
     */
    public static String topic(InteractionDemo d) {
        TopicSpec t = d.getSpec().getKafka().getTopic();
        if (t != null && t.getName() != null) {
            return t.getName();
        }
        var status = d.getStatus();
        if (status != null && status.getTopic() != null && status.getTopic().getName() != null) {
            return status.getTopic().getName();
        }
        return namespaced(d, "-notifications");
    }

    /** The consumer group: {@code worker.groupId}, else the recorded one, else {@code <namespace>.<name>-workers}. */
    public static String groupId(InteractionDemo d) {
        WorkerSpec c = d.getSpec().getWorker();
        if (c != null && c.getGroupId() != null) {
            return c.getGroupId();
        }
        var status = d.getStatus();
        if (status != null && status.getWorker() != null && status.getWorker().getGroupId() != null) {
            return status.getWorker().getGroupId();
        }
        return namespaced(d, "-workers");
    }

    /** What identifies a demo in the operator's memory: namespace/name. */
    public static String key(InteractionDemo d) {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }

    private static String namespaced(InteractionDemo d, String suffix) {
        return d.getMetadata().getNamespace() + "." + d.getMetadata().getName() + suffix;
    }

    /** Where the Greeter answers, inside the cluster. */
    public static String greeterEndpoint(InteractionDemo d) {
        return greeter(d) + "." + d.getMetadata().getNamespace() + ".svc:" + GREETER_PORT;
    }

    /**
     * Kafka's bootstrap address: bootstrapServers, else the Strimzi cluster's bootstrap Service (port 9092, or 9093,
     * Strimzi's TLS listener, with tls).
     */
    public static String bootstrapServers(InteractionDemo d) {
        var k = d.getSpec().getKafka();
        return k.getBootstrapServers() != null ? k.getBootstrapServers()
                : k.getClusterName() + "-kafka-bootstrap." + d.getMetadata().getNamespace() + ".svc:"
                + (k.getTls() == null ? 9092 : 9093);
    }

    /** The KafkaUser the operator manages for a demo (user.managed), and so the Secret Strimzi writes for it. */
    public static String kafkaUser(InteractionDemo d) {
        return d.getMetadata().getName() + "-user";
    }
}
