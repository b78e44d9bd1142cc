package dev.interactiondemo.operator.kafka;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.status.TopicStatus;
import dev.interactiondemo.engine.DemoSettings;
import dev.interactiondemo.kafka.KafkaConnection;
import dev.interactiondemo.kafka.TopicAdmin;
import dev.interactiondemo.operator.observe.KafkaTarget;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A demo's way to its Kafka, as the observe phase and the Direct topic both need it: the credentials its clients use,
 * what its observer reads, and the id of the topic it created (from its status, or from memory until the status
 * that records it is written).
 */
public final class DemoKafka {
    private final Clock clock;
    /** Ids of the topics created for demos (by uid), in case the status that records one could not be written. */
    private final Map<String, String> createdTopics = new ConcurrentHashMap<>();
    /** Reads the Secrets a demo names for Kafka; made with the first client that asks. */
    private volatile KafkaCredentials credentials;

    public DemoKafka(Clock clock) {
        this.clock = clock;
    }

    /** How the demo's clients reach Kafka, or why they cannot. */
    public KafkaCredentials.Result security(InteractionDemo demo, KubernetesClient client) {
        return credentials(client).resolve(demo.getMetadata().getNamespace(), DemoKafkaAccess.of(demo));
    }

    /** The demo's Kafka as the operator connects to it, for resolved credentials. */
    public static KafkaConnection connection(DemoSettings s, KafkaCredentials.Resolved security) {
        return new KafkaConnection(s.bootstrapServers(), security.security());
    }

    /** What the demo's Kafka observer reads. */
    public KafkaTarget target(InteractionDemo demo, DemoSettings s, boolean countable) {
        return new KafkaTarget(s.topic(), s.groupId(), s.management(), s.partitions(), s.topicReplicas(),
                s.topicConfig(), ownedTopicId(demo), countable);
    }

    /**
     * The id of the topic this demo created: from its status, else from memory, else {@link TopicAdmin#OWNED_BY_INTENT}
     * when its status records that it was creating the topic of its name; null when it created none.
     */
    public String ownedTopicId(InteractionDemo demo) {
        TopicStatus t = demo.getStatus() == null ? null : demo.getStatus().getTopic();
        if (t != null && t.getTopicId() != null) {
            return t.getTopicId();
        }
        String created = createdTopics.get(demo.getMetadata().getUid());
        if (created != null) {
            return created;
        }
        boolean intended = t != null && Boolean.TRUE.equals(t.getCreateRequested()) && t.getName() != null
                && t.getName().equals(Names.topic(demo));
        return intended ? TopicAdmin.OWNED_BY_INTENT : null;
    }

    /** The demo created its topic, of this id. */
    public void created(InteractionDemo demo, String topicId) {
        createdTopics.put(demo.getMetadata().getUid(), topicId);
    }

    /** Whether the demo's status records that it is creating its topic of the current name. */
    public static boolean createRequested(InteractionDemo demo, DemoSettings s) {
        TopicStatus t = demo.getStatus() == null ? null : demo.getStatus().getTopic();
        return t != null && Boolean.TRUE.equals(t.getCreateRequested()) && s.topic().equals(t.getName());
    }

    public void forget(InteractionDemo demo) {
        if (demo.getMetadata().getUid() != null) {
            createdTopics.remove(demo.getMetadata().getUid());
        }
    }

    private KafkaCredentials credentials(KubernetesClient client) {
        KafkaCredentials c = credentials;
        if (c == null) {
            synchronized (this) {
                if (credentials == null) {
                    credentials = new KafkaCredentials(client, clock);
                }
                c = credentials;
            }
        }
        return c;
    }
}
