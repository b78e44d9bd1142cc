package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.interactiondemo.common.Defaults;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Map;

/** The notifications topic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(oldSelf.name) || (has(self.name) && self.name == oldSelf.name)",
        message = "the topic name cannot change; create a new InteractionDemo instead", fieldPath = ".name")
@ValidationRule(value = "!has(oldSelf.management) || (has(self.management) && self.management == oldSelf.management)",
        message = "topic management cannot change", fieldPath = ".management")
public class TopicSpec {
    /**
     * Kafka's topic-level configs that a demo may set (Kafka 4.1's {@code TopicConfig}, without the tiered-storage
     * ones, which need the cluster's own set-up, and without {@code message.downconversion.enable}, which does
     * nothing since Kafka 4.0).
     */
    static final String KEYS = "['cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', "
            + "'compression.zstd.level', 'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', "
            + "'flush.ms', 'index.interval.bytes', 'max.compaction.lag.ms', 'max.message.bytes', "
            + "'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', "
            + "'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', "
            + "'min.insync.replicas', 'preallocate', 'retention.bytes', 'retention.ms', 'segment.bytes', "
            + "'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable']";
    /** Those of {@link #KEYS} whose values are whole numbers. */
    static final String NUMERIC = "['compression.gzip.level', 'compression.lz4.level', 'compression.zstd.level', "
            + "'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms', "
            + "'index.interval.bytes', 'max.compaction.lag.ms', 'max.message.bytes', "
            + "'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'min.compaction.lag.ms', "
            + "'min.insync.replicas', 'retention.bytes', 'retention.ms', 'segment.bytes', "
            + "'segment.index.bytes', 'segment.jitter.ms', 'segment.ms']";

    @Pattern("^[a-zA-Z0-9._-]{1,249}$")
    @JsonPropertyDescription("Topic name (letters, digits, '.', '_', '-'; at most 249). Default: <namespace>.<metadata.name>-notifications (the namespace keeps tenants apart on a shared Kafka).")
    private String name;

    @Default("" + Defaults.PARTITIONS)
    @Min(1)
    @Max(1000)
    @ValidationRule(value = "self >= oldSelf", message = "partitions cannot shrink: Kafka cannot remove partitions "
            + "from a topic; create a new InteractionDemo for fewer")
    @JsonPropertyDescription("Number of partitions: the most Workers that consume in parallel. Can grow, never shrink.")
    private Integer partitions;

    @Default("" + Defaults.TOPIC_REPLICAS)
    @Min(1)
    @Max(10)
    @JsonPropertyDescription("Replication factor: copies of each partition. At most the number of brokers.")
    private Integer replicas;

    @Size(max = 30)
    @ValidationRule(value = "self.all(k, k in " + KEYS + ")",
            message = "only Kafka's topic-level configs may be set: " + KEYS)
    @ValidationRule(value = "self.all(k, !(k in " + NUMERIC + ") || self[k].matches('^-?[0-9]{1,19}$'))",
            message = "these are whole numbers: " + NUMERIC)
    @ValidationRule(value = "!('cleanup.policy' in self) || self['cleanup.policy'] in ['delete', 'compact', "
            + "'compact,delete', 'delete,compact']",
            message = "cleanup.policy is delete, compact, or compact,delete")
    @ValidationRule(value = "!('compression.type' in self) || self['compression.type'] in ['producer', "
            + "'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd']",
            message = "compression.type is producer, uncompressed, gzip, snappy, lz4 or zstd")
    @ValidationRule(value = "!('message.timestamp.type' in self) || self['message.timestamp.type'] in "
            + "['CreateTime', 'LogAppendTime']",
            message = "message.timestamp.type is CreateTime or LogAppendTime")
    @ValidationRule(value = "['preallocate', 'unclean.leader.election.enable'].all(k, !(k in self) "
            + "|| self[k] in ['true', 'false'])",
            message = "preallocate and unclean.leader.election.enable are true or false")
    @ValidationRule(value = "!('min.cleanable.dirty.ratio' in self) "
            + "|| self['min.cleanable.dirty.ratio'].matches('^(0(\\\\.[0-9]+)?|1(\\\\.0+)?)$')",
            message = "min.cleanable.dirty.ratio is a number from 0 to 1")
    @JsonPropertyDescription("Topic configuration: Kafka's topic-level configs, e.g. retention.ms: \"3600000\" "
            + "(at most 30; values of at most 64 characters).")
    private Map<String, @Size(max = 64) String> config;

    @Default(Defaults.TOPIC_MANAGEMENT)
    @JsonPropertyDescription("Who manages the topic: Strimzi (a KafkaTopic resource; needs clusterName), Direct (the "
            + "operator, through Kafka's Admin API; the topic is deleted with the InteractionDemo) or External "
            + "(it must already exist).")
    private TopicManagement management;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPartitions() {
        return partitions;
    }

    public void setPartitions(Integer partitions) {
        this.partitions = partitions;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Map<String, String> getConfig() {
        return config;
    }

    public void setConfig(Map<String, String> config) {
        this.config = config;
    }

    public TopicManagement getManagement() {
        return management;
    }

    public void setManagement(TopicManagement management) {
        this.management = management;
    }
}
