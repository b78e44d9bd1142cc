package dev.interactiondemo.engine;

import dev.interactiondemo.api.spec.CallMode;
import dev.interactiondemo.api.spec.WorkerSpec;
import dev.interactiondemo.api.spec.FaultsSpec;
import dev.interactiondemo.api.spec.GreeterSpec;
import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.api.spec.HostSpec;
import dev.interactiondemo.api.spec.TopicManagement;
import dev.interactiondemo.api.spec.TopicSpec;
import dev.interactiondemo.common.Defaults;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.Map;
import java.util.Objects;

/**
 * An InteractionDemo's settings with every default applied. The API server applies the schema's defaults to the
 * objects a user writes; these cover the objects a user leaves out entirely, so both paths give the same values:
 * both are {@link Defaults}.
 */
public record DemoSettings(
        int greeterReplicas, String greeterResponseDelay, String greeterImage, ResourceRequirements greeterResources,
        int hostReplicas, double messagesPerSecond, CallMode callMode, int maxInFlight, String hostImage,
        ResourceRequirements hostResources,
        int workerReplicas, String processingDelay, String workerImage, ResourceRequirements workerResources,
        String topic, int partitions, int topicReplicas, Map<String, String> topicConfig, TopicManagement management,
        String bootstrapServers, String groupId, String clusterName,
        double greeterErrorRate, boolean greeterUnavailable, double failBeforeCommit, boolean cutHost) {

    /** The images a demo's parts run when its spec names none: the operator's settings, or the sandbox's. */
    public interface Images {
        String greeterImage();

        String notifierImage();
    }

    public static DemoSettings of(InteractionDemo d, Images config) {
        GreeterSpec g = Objects.requireNonNullElseGet(d.getSpec().getGreeter(), GreeterSpec::new);
        HostSpec p = Objects.requireNonNullElseGet(d.getSpec().getHost(), HostSpec::new);
        WorkerSpec c = Objects.requireNonNullElseGet(d.getSpec().getWorker(), WorkerSpec::new);
        TopicSpec t = Objects.requireNonNullElseGet(d.getSpec().getKafka().getTopic(), TopicSpec::new);
        FaultsSpec f = Objects.requireNonNullElseGet(d.getSpec().getFaults(), FaultsSpec::new);
        return new DemoSettings(
                or(g.getReplicas(), Defaults.REPLICAS), or(g.getResponseDelay(), Defaults.RESPONSE_DELAY),
                or(g.getImage(), config.greeterImage()), g.getResources(),
                or(p.getReplicas(), Defaults.REPLICAS), or(p.getMessagesPerSecond(), (double) Defaults.RATE),
                or(p.getCallMode(), CallMode.valueOf(Defaults.CALL_MODE)),
                or(p.getMaxInFlight(), Defaults.MAX_IN_FLIGHT), or(p.getImage(), config.notifierImage()),
                p.getResources(),
                or(c.getReplicas(), Defaults.REPLICAS), or(c.getProcessingDelay(), Defaults.PROCESSING_DELAY),
                or(c.getImage(), config.notifierImage()), c.getResources(),
                Names.topic(d), or(t.getPartitions(), Defaults.PARTITIONS),
                or(t.getReplicas(), Defaults.TOPIC_REPLICAS),
                t.getConfig() == null ? Map.of() : Map.copyOf(t.getConfig()),
                or(t.getManagement(), TopicManagement.valueOf(Defaults.TOPIC_MANAGEMENT)),
                Names.bootstrapServers(d), Names.groupId(d), d.getSpec().getKafka().getClusterName(),
                f.getGreeter() == null ? 0 : or(f.getGreeter().getErrorRate(), 0.0),
                f.getGreeter() != null && Boolean.TRUE.equals(f.getGreeter().getUnavailable()),
                f.getWorker() == null ? 0 : or(f.getWorker().getFailBeforeCommit(), 0.0),
                f.getKafka() != null && Boolean.TRUE.equals(f.getKafka().getCutHost()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
