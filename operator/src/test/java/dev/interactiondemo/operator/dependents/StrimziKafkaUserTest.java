package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.engine.DemoSettings;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The KafkaUser of a demo with kafka.user.managed: its authentication, and the ACLs the demo needs and no more. */
class StrimziKafkaUserTest {
    private static final OperatorConfig CONFIG = OperatorConfig.from(new String[0], Map.of());

    private static KafkaUser user(String kafka) {
        InteractionDemo d = Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata: {name: hello, namespace: demo}
                spec:
                  kafka: %s
                """.formatted(kafka), InteractionDemo.class);
        return StrimziKafkaUser.kafkaUser(d, DemoSettings.of(d, CONFIG), "kafka.strimzi.io/v1");
    }

    @Test
    void aScramUserMayWriteAndReadItsTopicAndReadItsGroupOnly() {
        KafkaUser u = user("{clusterName: my-cluster, user: {managed: true}}");
        assertEquals("hello-user", u.getMetadata().getName());
        assertEquals("my-cluster", u.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals("scram-sha-512", u.getSpec().getAuthentication().getType());
        List<AclRule> acls = ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls();
        assertEquals(2, acls.size());
        AclRule topic = acls.get(0);
        assertEquals(AclRuleType.ALLOW, topic.getType());
        assertEquals("demo.hello-notifications", ((AclRuleTopicResource) topic.getResource()).getName());
        assertEquals(AclResourcePatternType.LITERAL, ((AclRuleTopicResource) topic.getResource()).getPatternType());
        assertEquals(Set.of(AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE), Set.copyOf(topic.getOperations()));
        AclRule group = acls.get(1);
        assertEquals("demo.hello-workers", ((AclRuleGroupResource) group.getResource()).getName());
        assertEquals(AclResourcePatternType.LITERAL, ((AclRuleGroupResource) group.getResource()).getPatternType());
        assertEquals(Set.of(AclOperation.READ, AclOperation.DESCRIBE), Set.copyOf(group.getOperations()));
    }

    @Test
    void aTlsUserFollowsTheDemosTopicAndGroupNames() {
        KafkaUser u = user("""
                {clusterName: c, tls: {}, user: {managed: true, authentication: tls},
                 topic: {name: lesson-1}}""");
        assertEquals("tls", u.getSpec().getAuthentication().getType());
        List<AclRule> acls = ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls();
        assertEquals("lesson-1", ((AclRuleTopicResource) acls.get(0).getResource()).getName());
    }
}
