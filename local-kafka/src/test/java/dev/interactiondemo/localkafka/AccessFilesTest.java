package dev.interactiondemo.localkafka;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessFilesTest {

    @Test
    void usersAreNameColonPasswordWithCommentsAndBlankLinesSkipped() {
        List<AccessFiles.User> users = AccessFiles.parseUsers("users.txt", List.of(
                "# the demo's users",
                "alice:alice-secret",
                "",
                "   ",
                "  notifier.host@ns:pass:with:colons#and-hash  ",
                "# bob:not-a-user"));
        assertEquals(List.of(new AccessFiles.User("alice", "alice-secret"),
                new AccessFiles.User("notifier.host@ns", "pass:with:colons#and-hash")), users);
        assertEquals(List.of(), AccessFiles.parseUsers("users.txt", List.of()));
        assertFalse(users.get(0).toString().contains("alice-secret"), "passwords stay out of toString");
    }

    @Test
    void aBadUserLineIsNamedWithoutShowingItsPassword() {
        Map<List<String>, String> bad = Map.of(
                List.of("alice:a", "bob"), "users.txt line 2: expected name:password",
                List.of("al ice:secret"), "users.txt line 1: a user name is letters, digits and . _ @ -, not 'al ice'",
                List.of(":secret"), "users.txt line 1: a user name is letters, digits and . _ @ -, not ''",
                List.of("", "alice:"), "users.txt line 2: the password of alice is empty",
                List.of("alice:a", "alice:b"), "users.txt line 2: the user alice is already on an earlier line");
        bad.forEach((lines, message) -> assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> AccessFiles.parseUsers("users.txt", lines)).getMessage()));
    }

    @Test
    void aclLinesArePrincipalResourceAndOperations() {
        List<AccessFiles.Acl> acls = AccessFiles.parseAcls("acls.txt", List.of(
                "# who may do what",
                "User:alice topic:ns.demo-notifications Write,Describe",
                "",
                "User:CN=carol\tgroup:ns.demo-group   read",
                "User:admin cluster:kafka-cluster DescribeConfigs,IDEMPOTENT_WRITE,alter_configs",
                "User:auditor topic:* All"));
        assertEquals(List.of(
                new AccessFiles.Acl("User:alice", ResourceType.TOPIC, "ns.demo-notifications",
                        List.of(AclOperation.WRITE, AclOperation.DESCRIBE)),
                new AccessFiles.Acl("User:CN=carol", ResourceType.GROUP, "ns.demo-group", List.of(AclOperation.READ)),
                new AccessFiles.Acl("User:admin", ResourceType.CLUSTER, "kafka-cluster",
                        List.of(AclOperation.DESCRIBE_CONFIGS, AclOperation.IDEMPOTENT_WRITE,
                                AclOperation.ALTER_CONFIGS)),
                new AccessFiles.Acl("User:auditor", ResourceType.TOPIC, "*", List.of(AclOperation.ALL))), acls);
    }

    @Test
    void aBadAclLineIsNamed() {
        Map<String, String> bad = Map.of(
                "User:alice topic:t", "expected <principal> <topic|group|cluster>:<name> <Op>[,<Op>...], "
                        + "not 'User:alice topic:t'",
                "User:alice topic:t Read extra", "expected <principal> <topic|group|cluster>:<name> <Op>[,<Op>...], "
                        + "not 'User:alice topic:t Read extra'",
                "alice topic:t Read", "a principal is type:name, e.g. User:alice, not 'alice'",
                "User: topic:t Read", "a principal is type:name, e.g. User:alice, not 'User:'",
                "User:alice queue:t Read", "a resource is topic:<name>, group:<name> or cluster:kafka-cluster, "
                        + "not 'queue:t'",
                "User:alice topic: Read", "a resource is topic:<name>, group:<name> or cluster:kafka-cluster, "
                        + "not 'topic:'",
                "User:alice t Read", "a resource is topic:<name>, group:<name> or cluster:kafka-cluster, not 't'",
                "User:alice cluster:mine Alter", "the cluster is named kafka-cluster, not 'mine'",
                "User:alice topic:t Read,Fly", "'Fly' is not an operation; they are [ALL, READ, WRITE, ",
                "User:alice topic:t Read,", "'' is not an operation; they are [ALL, READ, WRITE, ");
        bad.forEach((line, message) -> {
            String actual = assertThrows(IllegalArgumentException.class,
                    () -> AccessFiles.parseAcls("acls.txt", List.of("# first", "", line))).getMessage();
            assertTrue(actual.startsWith("acls.txt line 3: " + message), actual);
        });
    }
}
