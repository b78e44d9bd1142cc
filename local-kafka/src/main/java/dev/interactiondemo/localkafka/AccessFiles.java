package dev.interactiondemo.localkafka;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The files {@link LocalKafkaMain} reads its users and ACLs from ({@code BROKER_USERS_FILE},
 * {@code BROKER_ACLS_FILE}). In both, blank lines and lines starting with {@code #} are skipped and white space around
 * a line is ignored; any other line that does not parse is an {@link IllegalArgumentException} naming the file and
 * the line's number.
 */
final class AccessFiles {
    /** The resource types an ACL line may name, as written there. */
    private static final Map<String, ResourceType> RESOURCE_TYPES = Map.of(
            "topic", ResourceType.TOPIC,
            "group", ResourceType.GROUP,
            "cluster", ResourceType.CLUSTER);
    /** The one name of a cluster resource. */
    private static final String CLUSTER_NAME = "kafka-cluster";

    private AccessFiles() {
    }

    /**
     * A user and password of {@code BROKER_USERS_FILE}.
     *
     * @param name     a user name: letters, digits and {@code . _ @ -}
     * @param password anything but empty
     */
    record User(String name, String password) {
        @Override
        public String toString() {
            return "User[name=" + name + ", password=(hidden)]";
        }
    }

    /**
     * An ACL line of {@code BROKER_ACLS_FILE}: {@code principal} may do {@code operations} on the resource of type
     * {@code resourceType} named exactly {@code resourceName}.
     */
    record Acl(String principal, ResourceType resourceType, String resourceName, List<AclOperation> operations) {
    }

    /**
     * The users of a {@code BROKER_USERS_FILE}: one {@code name:password} a line (the password is everything after
     * the first colon). {@code source} names the file in error messages; they never quote a line, which would show
     * a password.
     */
    static List<User> parseUsers(String source, List<String> lines) {
        List<User> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (skipped(line)) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw bad(source, i, "expected name:password");
            }
            String name = line.substring(0, colon).strip();
            String password = line.substring(colon + 1);
            try {
                Sasl.requireUserName(name);
            } catch (IllegalArgumentException e) {
                throw bad(source, i, e.getMessage());
            }
            if (password.isEmpty()) {
                throw bad(source, i, "the password of " + name + " is empty");
            }
            if (!names.add(name)) {
                throw bad(source, i, "the user " + name + " is already on an earlier line");
            }
            users.add(new User(name, password));
        }
        return users;
    }

    /**
     * The ACLs of a {@code BROKER_ACLS_FILE}: one {@code <principal> <topic|group|cluster>:<name> <Op>[,<Op>...]}
     * a line, e.g. {@code User:alice topic:ns.demo-notifications Write,Describe}. A cluster is named
     * {@code kafka-cluster}; a name {@code *} is every resource of the type. Operations are Kafka's, in any case,
     * with or without underscores ({@code DescribeConfigs}, {@code DESCRIBE_CONFIGS}). {@code source} names the
     * file in error messages.
     */
    static List<Acl> parseAcls(String source, List<String> lines) {
        List<Acl> acls = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (skipped(line)) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw bad(source, i, "expected <principal> <topic|group|cluster>:<name> <Op>[,<Op>...], not '"
                        + line + "'");
            }
            String principal = fields[0];
            if (!principal.matches("[^:]+:.+")) {
                throw bad(source, i, "a principal is type:name, e.g. User:alice, not '" + principal + "'");
            }
            int colon = fields[1].indexOf(':');
            String typeName = colon < 0 ? "" : fields[1].substring(0, colon).toLowerCase(Locale.ROOT);
            ResourceType type = RESOURCE_TYPES.get(typeName);
            String name = colon < 0 ? "" : fields[1].substring(colon + 1);
            if (type == null || name.isEmpty()) {
                throw bad(source, i, "a resource is topic:<name>, group:<name> or cluster:" + CLUSTER_NAME + ", not '"
                        + fields[1] + "'");
            }
            if (type == ResourceType.CLUSTER && !name.equals(CLUSTER_NAME)) {
                throw bad(source, i, "the cluster is named " + CLUSTER_NAME + ", not '" + name + "'");
            }
            List<AclOperation> operations = new ArrayList<>();
            for (String operation : fields[2].split(",", -1)) {
                AclOperation parsed = operation(operation);
                if (parsed == null) {
                    throw bad(source, i, "'" + operation + "' is not an operation; they are " + operationNames());
                }
                operations.add(parsed);
            }
            acls.add(new Acl(principal, type, name, List.copyOf(operations)));
        }
        return acls;
    }

    private static boolean skipped(String line) {
        return line.isEmpty() || line.startsWith("#");
    }

    private static IllegalArgumentException bad(String source, int index, String problem) {
        return new IllegalArgumentException(source + " line " + (index + 1) + ": " + problem);
    }

    /** The operation {@code text} names, ignoring case and underscores; null for none (or ANY and UNKNOWN). */
    private static AclOperation operation(String text) {
        String wanted = text.replace("_", "");
        for (AclOperation operation : grantable()) {
            if (operation.name().replace("_", "").equalsIgnoreCase(wanted)) {
                return operation;
            }
        }
        return null;
    }

    private static List<String> operationNames() {
        return grantable().stream().map(AclOperation::name).toList();
    }

    /** The operations an ACL may name: all but the filter-only ANY and UNKNOWN. */
    private static List<AclOperation> grantable() {
        return Arrays.stream(AclOperation.values())
                .filter(operation -> operation != AclOperation.ANY && operation != AclOperation.UNKNOWN)
                .toList();
    }
}
