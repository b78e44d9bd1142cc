package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.api.spec.KafkaAuthenticationType;
import dev.interactiondemo.api.Names;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserSpec;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Strimzi {@code KafkaUser} of a demo with {@code kafka.user.managed}: labelled for its cluster so that the
 * cluster's User Operator creates the user and writes its Secret (of the same name), with simple authorization and
 * exactly the ACLs the demo needs: the Host writes to the topic (Write, Describe); the Worker reads it and commits
 * in its group (Read on both); the operator's readings describe both (Describe). Deleted with the demo (owner
 * reference), and with it the user and its Secret.
 */
public class StrimziKafkaUser extends StrimziResource<KafkaUser> {
    public static final String COMPONENT = "user";

    public StrimziKafkaUser(OperatorConfig config) {
        super(config, KafkaUser.RESOURCE_KIND, KafkaUser.RESOURCE_PLURAL, COMPONENT);
    }

    @Override
    protected KafkaUser model(InteractionDemo demo, DemoSettings s) {
        return kafkaUser(demo, s, config.strimziApiVersion());
    }

    /** The KafkaUser in Strimzi's model. Pure. */
    static KafkaUser kafkaUser(InteractionDemo demo, DemoSettings s, String apiVersion) {
        DemoKafkaAccess access = DemoKafkaAccess.of(demo);
        Map<String, String> labels = new HashMap<>(Labels.of(demo, COMPONENT));
        labels.put(StrimziKafkaTopic.CLUSTER_LABEL, s.clusterName());
        ObjectMeta metadata = new ObjectMeta();
        metadata.setName(Names.kafkaUser(demo));
        metadata.setNamespace(demo.getMetadata().getNamespace());
        metadata.setLabels(labels);

        KafkaUserAuthentication authentication = access.type() == KafkaAuthenticationType.TLS
                ? new KafkaUserTlsClientAuthentication() : new KafkaUserScramSha512ClientAuthentication();
        KafkaUserAuthorizationSimple authorization = new KafkaUserAuthorizationSimple();
        authorization.setAcls(List.of(
                allow(topic(s.topic()), AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE),
                allow(group(s.groupId()), AclOperation.READ, AclOperation.DESCRIBE)));
        KafkaUserSpec spec = new KafkaUserSpec();
        spec.setAuthentication(authentication);
        spec.setAuthorization(authorization);

        KafkaUser user = new KafkaUser();
        user.setApiVersion(apiVersion);
        user.setMetadata(metadata);
        user.setSpec(spec);
        return user;
    }

    private static AclRule allow(AclRuleResource resource, AclOperation... operations) {
        AclRule rule = new AclRule();
        rule.setType(AclRuleType.ALLOW);
        rule.setResource(resource);
        rule.setHost("*");
        rule.setOperations(List.of(operations));
        return rule;
    }

    private static AclRuleResource topic(String name) {
        AclRuleTopicResource r = new AclRuleTopicResource();
        r.setName(name);
        r.setPatternType(AclResourcePatternType.LITERAL);
        return r;
    }

    private static AclRuleResource group(String name) {
        AclRuleGroupResource r = new AclRuleGroupResource();
        r.setName(name);
        r.setPatternType(AclResourcePatternType.LITERAL);
        return r;
    }

    /** The KafkaUser's status in Strimzi's model, whatever apiVersion it was read with. */
    public static KafkaUser typed(GenericKubernetesResource resource) {
        return JSON.convertValue(resource, KafkaUser.class);
    }
}
