package dev.interactiondemo.localkafka;

import org.apache.kafka.common.acl.AclOperation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link LocalKafkaBroker} until SIGTERM: the Kafka of machines and clusters that have none (the end-to-end
 * suite runs it as a pod). Settings: {@code BROKER_PORT} (9092), {@code BROKER_BIND_HOST} (0.0.0.0),
 * {@code BROKER_ADVERTISED_HOST} (the host name clients use; default: this host's name), {@code BROKER_PARTITIONS} (3),
 * {@code BROKER_HEAP} (512m). Its data is temporary: gone when it stops.
 *
 * <p>Secured listeners (see {@link LocalKafkaBroker.Builder#secured}), all optional:
 * <ul>
 *   <li>{@code BROKER_TLS_DIR}: a directory with the broker's certificate {@code tls.crt}, its unencrypted PKCS#8
 *   key {@code tls.key} and the CA's certificate {@code ca.crt} (e.g. a mounted Secret; the certificate must name
 *   {@code BROKER_ADVERTISED_HOST}). It turns on SASL_SSL on {@code BROKER_SASL_SSL_PORT} (9093), SSL with client
 *   certificates of that CA on {@code BROKER_SSL_PORT} (9094) and SASL_PLAINTEXT on
 *   {@code BROKER_SASL_PLAINTEXT_PORT} (9095), and Kafka's ACL authorizer. PLAINTEXT stays open to all.</li>
 *   <li>{@code BROKER_USERS_FILE}: lines {@code name:password}, users who log in with SCRAM-SHA-512, SCRAM-SHA-256
 *   or PLAIN. Needs {@code BROKER_TLS_DIR}.</li>
 *   <li>{@code BROKER_ACLS_FILE}: lines {@code <principal> <topic|group|cluster>:<name> <Op>[,<Op>...]}, e.g.
 *   {@code User:alice topic:ns.demo-notifications Write,Describe}: ALLOW ACLs for literal names (the cluster is
 *   {@code cluster:kafka-cluster}; a client certificate's principal is {@code User:CN=<common name>}). Needs
 *   {@code BROKER_TLS_DIR}.</li>
 * </ul>
 * In both files, blank lines and lines starting with {@code #} are skipped. A setting or line that does not parse
 * stops it before the broker starts, with a message naming it and exit code 2.
 */
public final class LocalKafkaMain {
    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        String advertised = env.getOrDefault("BROKER_ADVERTISED_HOST", env.getOrDefault("HOSTNAME", "localhost"));
        LocalKafkaBroker.Builder builder;
        List<AccessFiles.User> users;
        List<AccessFiles.Acl> acls;
        try {
            builder = LocalKafkaBroker.builder()
                    .port(number(env, "BROKER_PORT", 9092))
                    .bindHost(env.getOrDefault("BROKER_BIND_HOST", "0.0.0.0"))
                    .advertisedHost(advertised)
                    .defaultPartitions(number(env, "BROKER_PARTITIONS", 3))
                    .maxHeap(env.getOrDefault("BROKER_HEAP", "512m"));
            String usersFile = env.get("BROKER_USERS_FILE");
            users = AccessFiles.parseUsers("BROKER_USERS_FILE " + usersFile, lines("BROKER_USERS_FILE", usersFile));
            String aclsFile = env.get("BROKER_ACLS_FILE");
            acls = AccessFiles.parseAcls("BROKER_ACLS_FILE " + aclsFile, lines("BROKER_ACLS_FILE", aclsFile));
            String tlsDir = env.get("BROKER_TLS_DIR");
            if (tlsDir != null) {
                builder.secured(Certificates.TlsMaterial.readFrom(Path.of(tlsDir)))
                        .securedPort(LocalKafkaBroker.SASL_SSL, number(env, "BROKER_SASL_SSL_PORT", 9093))
                        .securedPort(LocalKafkaBroker.SSL, number(env, "BROKER_SSL_PORT", 9094))
                        .securedPort(LocalKafkaBroker.SASL_PLAINTEXT, number(env, "BROKER_SASL_PLAINTEXT_PORT", 9095));
                for (AccessFiles.User user : users) {
                    builder.plainUser(user.name(), user.password());
                }
            } else if (!users.isEmpty() || !acls.isEmpty()) {
                throw new IllegalArgumentException("BROKER_USERS_FILE and BROKER_ACLS_FILE need BROKER_TLS_DIR");
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("local-kafka: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalKafkaBroker broker = builder.start();
        try {
            for (AccessFiles.User user : users) {
                broker.addScramUser(user.name(), user.password());
            }
            for (AccessFiles.Acl acl : acls) {
                broker.allow(acl.principal(), acl.resourceType(), acl.resourceName(),
                        acl.operations().toArray(AclOperation[]::new));
            }
        } catch (RuntimeException e) {
            System.err.println("local-kafka: cannot set up the users and ACLs: " + e);
            broker.close();
            System.exit(1);
        }
        System.out.println("local-kafka: broker ready at " + broker.bootstrapServers());
        if (env.containsKey("BROKER_TLS_DIR")) {
            for (String listener : List.of(LocalKafkaBroker.SASL_SSL, LocalKafkaBroker.SSL,
                    LocalKafkaBroker.SASL_PLAINTEXT)) {
                System.out.println("local-kafka: " + listener + " at " + broker.bootstrapServers(listener));
            }
            System.out.println("local-kafka: " + users.size() + " users, " + acls.size() + " ACL lines");
        }
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            broker.close();
        }, "local-kafka-stop"));
        // If the broker's JVM dies, so does this process, so that whoever runs it (e.g. the kubelet) restarts it.
        while (!stopping.await(2, TimeUnit.SECONDS)) {
            if (!broker.isRunning()) {
                System.err.println("local-kafka: the broker exited; see " + broker.logFile());
                System.exit(1);
            }
        }
    }

    /** The whole number in the setting {@code name}, or {@code otherwise} when it is not set. */
    private static int number(Map<String, String> env, String name, int otherwise) {
        String value = env.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }

    /** The lines of {@code file}, named by the setting {@code name}; none when it is not set. */
    private static List<String> lines(String name, String file) {
        if (file == null) {
            return List.of();
        }
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + " " + file + ": " + e);
        }
    }
}
