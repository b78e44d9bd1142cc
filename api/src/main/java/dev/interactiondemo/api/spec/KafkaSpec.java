package dev.interactiondemo.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where Kafka is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.clusterName) || has(self.bootstrapServers)",
        message = "set clusterName (a Strimzi Kafka cluster in this namespace) or bootstrapServers (any Kafka)")
@ValidationRule(value = "!has(self.topic) || !has(self.topic.management) || self.topic.management != 'Strimzi'"
        + " || has(self.clusterName)",
        message = "topic.management Strimzi needs clusterName: the Strimzi Kafka cluster whose Topic Operator "
                + "manages the topic",
        fieldPath = ".clusterName")
@ValidationRule(value = "!has(self.authentication) || self.authentication.type != 'tls' || has(self.tls)",
        message = "tls authentication (a client certificate) needs tls", fieldPath = ".tls")
@ValidationRule(value = "!has(self.user) || !has(self.authentication)",
        message = "user and authentication exclude each other: the KafkaUser's Secret holds the credentials",
        fieldPath = ".authentication")
@ValidationRule(value = "!has(self.user) || has(self.clusterName)",
        message = "user needs clusterName: the Strimzi Kafka cluster whose User Operator manages the KafkaUser",
        fieldPath = ".clusterName")
@ValidationRule(value = "!has(self.user) || !has(self.user.authentication) || self.user.authentication != 'tls'"
        + " || has(self.tls)",
        message = "a KafkaUser with tls authentication needs tls", fieldPath = ".tls")
public class KafkaSpec {

    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @JsonPropertyDescription("Name of a Strimzi Kafka cluster in this namespace. Sets the KafkaTopic's strimzi.io/cluster "
            + "label and, unless bootstrapServers is set, the bootstrap address "
            + "<clusterName>-kafka-bootstrap.<namespace>.svc:9092 (port 9093 with tls, Strimzi's TLS listener): the "
            + "name the broker's certificate must hold and kafka.allowedBootstrapServers must allow.")
    private String clusterName;

    @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
    @Size(max = 1024)
    @JsonPropertyDescription("Kafka bootstrap servers, host:port[,host:port], for a Kafka without Strimzi or to override "
            + "the address derived from clusterName.")
    private String bootstrapServers;

    @JsonPropertyDescription("The topic the notifications go to.")
    private TopicSpec topic;

    @JsonPropertyDescription("Connect to Kafka with TLS. The operator's readings, the Host and the Worker all use it.")
    private KafkaTlsSpec tls;

    @JsonPropertyDescription("Credentials for Kafka, from Secrets in this namespace (mounted read-only into the Host and "
            + "the Worker; read by the operator for its readings).")
    private KafkaAuthenticationSpec authentication;

    @JsonPropertyDescription("Strimzi: take the credentials from a KafkaUser (managed by the operator, or an existing "
            + "one) instead of authentication.")
    private KafkaUserSpec user;

    public String getClusterName() {
        return clusterName;
    }

    public void setClusterName(String clusterName) {
        this.clusterName = clusterName;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public TopicSpec getTopic() {
        return topic;
    }

    public void setTopic(TopicSpec topic) {
        this.topic = topic;
    }

    public KafkaTlsSpec getTls() {
        return tls;
    }

    public void setTls(KafkaTlsSpec tls) {
        this.tls = tls;
    }

    public KafkaAuthenticationSpec getAuthentication() {
        return authentication;
    }

    public void setAuthentication(KafkaAuthenticationSpec authentication) {
        this.authentication = authentication;
    }

    public KafkaUserSpec getUser() {
        return user;
    }

    public void setUser(KafkaUserSpec user) {
        this.user = user;
    }
}
