package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.Defaults;
import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.common.Settings;
import org.apache.kafka.common.acl.AclOperation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Runs one {@link LocalKafkaBroker} until SIGTERM: the Kafka of machines and clusters that have none (the end-to-end
 * suite runs it as a pod). Its settings are environment variables ({@code BROKER_PORT}, ...), each overridden by a
 * flag: see {@code --help}. Its data is temporary: gone when it stops.
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
 * stops it before the broker starts, with a message naming it and exit status 2; a broker that fails to start, or
 * exits while running, exit status 1.
 */
public final class LocalKafkaMain {
    static final Option PORT = Option.of("BROKER_PORT", "port", "9092", "the PLAINTEXT listener's port, open to all");
    static final Option BIND_HOST = Option.of("BROKER_BIND_HOST", "bind-host", "0.0.0.0",
            "the interface to listen on; 0.0.0.0 for all");
    static final Option ADVERTISED_HOST = Option.of("BROKER_ADVERTISED_HOST", "advertised-host", null,
            "the host name clients are told to connect to [default: $HOSTNAME, else localhost]");
    static final Option PARTITIONS = Option.of("BROKER_PARTITIONS", "partitions", String.valueOf(Defaults.PARTITIONS),
            "partitions of a topic created without a number (1-1000)");
    static final Option HEAP = Option.of("BROKER_HEAP", "heap", LocalKafkaBroker.DEFAULT_MAX_HEAP,
            "the broker JVM's maximum heap, e.g. 512m or 1g");
    static final Option TLS_DIR = Option.of("BROKER_TLS_DIR", "tls-dir", null,
            "a directory with tls.crt, tls.key (PKCS#8) and ca.crt: turns on the secured listeners and ACLs");
    static final Option SASL_SSL_PORT = Option.of("BROKER_SASL_SSL_PORT", "sasl-ssl-port", "9093",
            "with BROKER_TLS_DIR: the SASL_SSL listener's port (SCRAM or PLAIN over TLS)");
    static final Option SSL_PORT = Option.of("BROKER_SSL_PORT", "ssl-port", "9094",
            "with BROKER_TLS_DIR: the SSL listener's port (mutual TLS)");
    static final Option SASL_PLAINTEXT_PORT = Option.of("BROKER_SASL_PLAINTEXT_PORT", "sasl-plaintext-port", "9095",
            "with BROKER_TLS_DIR: the SASL_PLAINTEXT listener's port");
    static final Option USERS_FILE = Option.of("BROKER_USERS_FILE", "users-file", null,
            "with BROKER_TLS_DIR: a file of lines name:password, users who log in with SCRAM or PLAIN");
    static final Option ACLS_FILE = Option.of("BROKER_ACLS_FILE", "acls-file", null,
            "with BROKER_TLS_DIR: a file of lines <principal> <topic|group|cluster>:<name> <Op>[,<Op>...], ALLOW ACLs");
    static final List<Option> OPTIONS = List.of(PORT, BIND_HOST, ADVERTISED_HOST, PARTITIONS, HEAP, TLS_DIR,
            SASL_SSL_PORT, SSL_PORT, SASL_PLAINTEXT_PORT, USERS_FILE, ACLS_FILE);
    private static final List<String> SECURED_LISTENERS = List.of(LocalKafkaBroker.SASL_SSL, LocalKafkaBroker.SSL,
            LocalKafkaBroker.SASL_PLAINTEXT);

    /** The broker to start, and the users and ACLs to give it once started; read and checked before it starts. */
    record Setup(LocalKafkaBroker.Builder broker, boolean secured, List<AccessFiles.User> users,
                 List<AccessFiles.Acl> acls) {
    }

    private LocalKafkaMain() {
    }

    public static void main(String[] args) {
        Program program = Program.of("local-kafka", "local-kafka [options]", OPTIONS);
        program.serve(args, settings -> {
            Setup setup = setup(settings, System.getenv("HOSTNAME"));
            LocalKafkaBroker broker = setup.broker().start();
            try {
                for (AccessFiles.User user : setup.users()) {
                    broker.addScramUser(user.name(), user.password());
                }
                for (AccessFiles.Acl acl : setup.acls()) {
                    broker.allow(acl.principal(), acl.resourceType(), acl.resourceName(),
                            acl.operations().toArray(AclOperation[]::new));
                }
            } catch (RuntimeException e) {
                broker.close();
                throw new IllegalStateException("cannot set up the users and ACLs: " + e, e);
            }
            System.out.println("local-kafka: broker ready at " + broker.bootstrapServers());
            if (setup.secured()) {
                for (String listener : SECURED_LISTENERS) {
                    System.out.println("local-kafka: " + listener + " at " + broker.bootstrapServers(listener));
                }
                System.out.println("local-kafka: " + setup.users().size() + " users, " + setup.acls().size()
                        + " ACL lines");
            }
            // If the broker's JVM dies, so does this process, so that whoever runs it (e.g. the kubelet) restarts it.
            broker.process().onExit().thenRun(() -> program.fail("the broker exited; see " + broker.logFile()));
            return List.of(broker);
        });
    }

    /**
     * Reads and checks the settings, the files they name included; throws a
     * {@link dev.interactiondemo.common.ConfigException} naming every bad one.
     *
     * @param hostName this host's name ({@code $HOSTNAME}), the advertised host unless set; null for none
     */
    static Setup setup(Settings s, String hostName) {
        String advertised = s.raw(ADVERTISED_HOST)
                .orElse(hostName == null || hostName.isBlank() ? "localhost" : hostName.strip());
        String heap = s.required(HEAP);
        if (!heap.matches("[0-9]+[kKmMgG]?")) {
            s.problem(HEAP.label() + ": '" + heap + "' is not a heap size such as 512m or 1g");
        }
        LocalKafkaBroker.Builder broker = LocalKafkaBroker.builder()
                .port(s.integer(PORT, 0, 65535))
                .bindHost(s.required(BIND_HOST))
                .advertisedHost(advertised)
                .defaultPartitions(s.integer(PARTITIONS, 1, 1000))
                .maxHeap(heap);
        List<AccessFiles.User> users = read(s, USERS_FILE, AccessFiles::parseUsers);
        List<AccessFiles.Acl> acls = read(s, ACLS_FILE, AccessFiles::parseAcls);
        Optional<String> tlsDir = s.raw(TLS_DIR);
        if (tlsDir.isPresent()) {
            try {
                broker.secured(Certificates.TlsMaterial.readFrom(Path.of(tlsDir.get())));
            } catch (UncheckedIOException e) {
                s.problem(TLS_DIR.label() + ": " + e.getMessage());
            }
            broker.securedPort(LocalKafkaBroker.SASL_SSL, s.integer(SASL_SSL_PORT, 0, 65535))
                    .securedPort(LocalKafkaBroker.SSL, s.integer(SSL_PORT, 0, 65535))
                    .securedPort(LocalKafkaBroker.SASL_PLAINTEXT, s.integer(SASL_PLAINTEXT_PORT, 0, 65535));
            users.forEach(user -> broker.plainUser(user.name(), user.password()));
        } else if (!users.isEmpty() || !acls.isEmpty()) {
            s.problem(USERS_FILE.label() + " and " + ACLS_FILE.label() + " need " + TLS_DIR.label());
        }
        s.validate();
        return new Setup(broker, tlsDir.isPresent(), users, acls);
    }

    /** The entries of the file the setting {@code option} names, parsed; none when it is not set or is bad. */
    private static <T> List<T> read(Settings s, Option option, BiFunction<String, List<String>, List<T>> parse) {
        Optional<String> file = s.raw(option);
        if (file.isEmpty()) {
            return List.of();
        }
        try {
            return parse.apply(option.env() + " " + file.get(), Files.readAllLines(Path.of(file.get())));
        } catch (IOException e) {
            s.problem(option.label() + ": cannot read " + file.get() + ": " + e);
        } catch (IllegalArgumentException e) {
            s.problem(e.getMessage());
        }
        return List.of();
    }
}
