package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.Defaults;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), run as a child JVM from
 * Kafka's own server classes ({@code org.apache.kafka:kafka_2.13} from Maven Central). Its data lives in a temporary
 * directory that {@link #close()} removes. Used by the sandbox and by the tests: no container, no download.
 *
 * <p>Its {@code PLAINTEXT} listener needs no credentials. {@link Builder#secured} adds the listeners that do
 * ({@link #SASL_SSL}, {@link #SSL}, {@link #SASL_PLAINTEXT}) and Kafka's ACL authorizer: there, a client is who its
 * credentials say ({@link #addScramUser}, {@link Builder#plainUser}, a client certificate) and may do what ACLs
 * allow it ({@link #allow}), nothing else. The {@code PLAINTEXT} listener stays open to all (its clients are
 * {@code User:ANONYMOUS}, a super user), and so does the broker's own traffic to its controller.
 *
 * <p>It makes its own Admin calls to provision the broker (users, ACLs, readiness) rather than going through the
 * Kafka layer (module {@code kafka}): that layer's tests run on this broker, and Maven forbids the cycle.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    /**
     * The secured listener with TLS (server authentication only) and SASL: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN.
     * A client's principal is {@code User:<user name>}.
     */
    public static final String SASL_SSL = "SASL_SSL";
    /**
     * The secured listener with mutual TLS: a client shows a certificate signed by the CA of the broker's own
     * certificate ({@link Certificates.TlsMaterial#caPem()}). Its principal is Kafka's default one for it, the
     * certificate's subject as an RFC 2253 distinguished name: {@code User:CN=<common name>} for a certificate of
     * {@link Certificates#issueClient}.
     */
    public static final String SSL = "SSL";
    /**
     * The secured listener with SASL (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN) without TLS: authentication and ACLs
     * with no certificates. A client's principal is {@code User:<user name>}.
     */
    public static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";

    /** The listeners {@link Builder#secured} adds, in the order they are added. */
    static final List<String> SECURED_LISTENERS = List.of(SASL_SSL, SSL, SASL_PLAINTEXT);

    private final BrokerProcess process;
    private final String advertisedHost;
    private final String bootstrapServers;
    private final BrokerPorts ports;

    private LocalKafkaBroker(BrokerProcess process, String advertisedHost, BrokerPorts ports) {
        this.process = process;
        this.advertisedHost = advertisedHost;
        this.bootstrapServers = advertisedHost + ":" + ports.client();
        this.ports = ports;
    }

    /**
     * One broker for the whole JVM, started on first use and stopped when the JVM exits: test classes share it
     * (each with its own topics and groups) instead of paying a broker start each.
     */
    public static LocalKafkaBroker shared() {
        return SharedBroker.get();
    }

    /** Starts a broker on a free port of the loopback interface. */
    public static LocalKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a broker with {@code settings}: its ports, a directory with its configuration and formatted storage,
     * its JVM; returns once it answers. On failure, nothing of it is left.
     */
    private static LocalKafkaBroker start(BrokerSettings settings) {
        BrokerPorts ports = BrokerPorts.choose(settings);
        Path dir = BrokerProcess.newDirectory(settings.parentDirectory());
        try {
            Path props = BrokerConfigFiles.write(dir, settings, ports);
            LocalKafkaBroker broker = new LocalKafkaBroker(BrokerProcess.start(dir, props, settings),
                    settings.advertisedHost(), ports);
            broker.process.awaitReady(broker.bootstrapServers(), settings.startTimeout());
            LOG.info("Kafka broker ready at {} (data in {})", broker.bootstrapServers(), dir);
            if (settings.secured()) {
                LOG.info("Kafka broker's secured listeners: {}", ports.secured());
            }
            return broker;
        } catch (RuntimeException e) {
            BrokerProcess.deleteRecursively(dir);
            throw e;
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code host:port} for clients' {@code bootstrap.servers} on the listener {@code listener}: {@code PLAINTEXT}
     * (as {@link #bootstrapServers()}) or, on a broker started {@link Builder#secured}, {@link #SASL_SSL},
     * {@link #SSL} or {@link #SASL_PLAINTEXT}. The host is the advertised one, which TLS clients check against the
     * names in the broker's certificate.
     */
    public String bootstrapServers(String listener) {
        if (listener.equals("PLAINTEXT")) {
            return bootstrapServers;
        }
        Integer p = ports.secured().get(listener);
        if (p == null) {
            throw new IllegalArgumentException(SECURED_LISTENERS.contains(listener)
                    ? "the broker has no " + listener + " listener: start it with Builder.secured(...)"
                    : "no client listener " + listener + "; there are PLAINTEXT and " + ports.secured().keySet());
        }
        return advertisedHost + ":" + p;
    }

    public int port() {
        return ports.client();
    }

    /**
     * The port the broker listens on for an extra listener added with {@link Builder#extraListener} (where a proxy
     * in front of it forwards to), or for a secured listener.
     */
    public int listenerPort(String name) {
        Integer p = ports.extra().getOrDefault(name, ports.secured().get(name));
        if (p == null) {
            throw new IllegalArgumentException("no extra or secured listener " + name + "; there are "
                    + ports.extra().keySet() + " and " + ports.secured().keySet());
        }
        return p;
    }

    /**
     * Creates (or replaces) the user {@code name}'s SCRAM-SHA-512 and SCRAM-SHA-256 credentials, through the
     * {@code PLAINTEXT} listener, and returns once the user can log in with both on the secured listeners: the
     * controller stores credentials at once, but the broker learns them a moment later. Only on a broker started
     * {@link Builder#secured}.
     */
    public void addScramUser(String name, String password) {
        requireSecured("SCRAM users");
        access().addScramUser(name, password);
    }

    /**
     * Allows {@code principal} (e.g. {@code User:alice} or {@code User:CN=alice}) the {@code operations} on the
     * resource of type {@code type} named exactly {@code name} (a literal pattern; {@code *} is every resource of
     * the type; a cluster is named {@code kafka-cluster}), from any host. Created through the {@code PLAINTEXT}
     * listener; returns once the broker enforces them. Only on a broker started {@link Builder#secured}.
     */
    public void allow(String principal, ResourceType type, String name, AclOperation... operations) {
        requireSecured("ACLs");
        access().createAcls(AclPermissionType.ALLOW, principal, type, name, operations);
    }

    /**
     * Denies {@code principal} the {@code operations} on a resource, as {@link #allow} allows them: a deny wins over
     * any allow. Only on a broker started {@link Builder#secured}.
     */
    public void deny(String principal, ResourceType type, String name, AclOperation... operations) {
        requireSecured("ACLs");
        access().createAcls(AclPermissionType.DENY, principal, type, name, operations);
    }

    private void requireSecured(String what) {
        if (ports.secured().isEmpty()) {
            throw new IllegalStateException(what + " need a broker started with Builder.secured(...)");
        }
    }

    private BrokerAccess access() {
        return new BrokerAccess(bootstrapServers, bootstrapServers(SASL_PLAINTEXT));
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The broker's JVM: its process id (e.g. to measure what it uses), and when it exits, however it ends. */
    public ProcessHandle process() {
        return process.handle();
    }

    /** The broker's own log, for diagnosing a failed start. */
    public Path logFile() {
        return process.logFile();
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and deletes its data. */
    @Override
    public void close() {
        process.stop();
    }

    /** The broker JVM's maximum heap unless {@link Builder#maxHeap} or {@link Builder#jvmOptions} say otherwise. */
    public static final String DEFAULT_MAX_HEAP = "512m";

    /** Options for the broker. */
    public static final class Builder {
        private int port;
        private String bindHost = "127.0.0.1";
        private String advertisedHost = "localhost";
        private int defaultPartitions = Defaults.PARTITIONS;
        private Duration startTimeout = Duration.ofSeconds(90);
        /** Null: {@link #DEFAULT_MAX_HEAP}, unless {@link #jvmOptions} are given. */
        private String maxHeap;
        /** Null: the default flags, small and quick to start. */
        private List<String> jvmOptions;
        private final Map<String, String> extraConfig = new LinkedHashMap<>();
        private Path parentDirectory;
        private final Map<String, String> extraListeners = new LinkedHashMap<>();
        private Certificates.TlsMaterial serverTls;
        private final Map<String, Integer> securedPorts = new LinkedHashMap<>();
        private final Map<String, String> plainUsers = new LinkedHashMap<>();

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The interface to listen on; {@code 0.0.0.0} for all. */
        public Builder bindHost(String bindHost) {
            this.bindHost = bindHost;
            return this;
        }

        /** The host name clients are told to connect to. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        public Builder defaultPartitions(int partitions) {
            this.defaultPartitions = partitions;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The broker JVM's maximum heap ({@code -Xmx}), e.g. {@code 1g}; {@value #DEFAULT_MAX_HEAP} by default. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /**
         * The broker JVM's flags instead of the default ones, which are small and quick to start ({@code -Xmx} of
         * {@link #maxHeap}, {@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1}): e.g. those of Kafka's own
         * {@code kafka-server-start.sh}, to measure it. Not with {@link #maxHeap}: give {@code -Xmx} here.
         */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * A broker setting ({@code server.properties}) of one's own, e.g. {@code num.network.threads=8}: it comes
         * after, and so overrides, the broker's own settings.
         */
        public Builder config(String key, String value) {
            if (!key.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("a broker setting's name is letters, digits and . _ -, not '" + key
                        + "'");
            }
            extraConfig.put(key, value);
            return this;
        }

        /** Where the broker's temporary directory (data, settings, log) is made; by default the system's. */
        public Builder directoryIn(Path parent) {
            this.parentDirectory = parent;
            return this;
        }

        /**
         * A second client listener (plaintext) named {@code name}, on a free port of its own
         * ({@link LocalKafkaBroker#listenerPort}), that tells its clients to connect to {@code advertisedAddress}
         * ({@code host:port}) instead: the address of a proxy that forwards to it. A client that bootstraps through
         * the proxy then reaches the broker only through the proxy, for every request; cutting the proxy cuts that
         * client off, and no other.
         */
        public Builder extraListener(String name, String advertisedAddress) {
            if (!name.matches("[A-Z][A-Z0-9_]*") || name.equals("PLAINTEXT") || name.equals("CONTROLLER")
                    || SECURED_LISTENERS.contains(name)) {
                throw new IllegalArgumentException("a listener name is upper case, not PLAINTEXT, CONTROLLER or "
                        + String.join(", ", SECURED_LISTENERS) + ": " + name);
            }
            if (!advertisedAddress.matches("[^:\\s]+:[0-9]{1,5}")) {
                throw new IllegalArgumentException("an advertised address is host:port, not " + advertisedAddress);
            }
            extraListeners.put(name, advertisedAddress);
            return this;
        }

        /**
         * Adds the secured listeners {@link #SASL_SSL}, {@link #SSL} and {@link #SASL_PLAINTEXT} (each on a free
         * port unless {@link #securedPort} says otherwise) and turns on Kafka's ACL authorizer
         * ({@code StandardAuthorizer}; with no ACL for a resource, nobody but a super user may use it). The TLS
         * listeners present {@code serverTls}, whose names must include the advertised host; {@link #SSL} requires a
         * client certificate signed by {@code serverTls}' CA. The SASL listeners take SCRAM-SHA-512 and
         * SCRAM-SHA-256 ({@link LocalKafkaBroker#addScramUser}) and PLAIN ({@link #plainUser}). {@code PLAINTEXT},
         * the controller's listener and any {@link #extraListener} need no credentials: their clients are
         * {@code User:ANONYMOUS}, a super user.
         */
        public Builder secured(Certificates.TlsMaterial serverTls) {
            this.serverTls = Objects.requireNonNull(serverTls, "serverTls");
            return this;
        }

        /**
         * The port of the secured listener {@code listener} ({@link #SASL_SSL}, {@link #SSL} or
         * {@link #SASL_PLAINTEXT}); 0 (the default) picks a free one.
         */
        public Builder securedPort(String listener, int port) {
            if (!SECURED_LISTENERS.contains(listener)) {
                throw new IllegalArgumentException("the secured listeners are " + SECURED_LISTENERS + ", not "
                        + listener);
            }
            securedPorts.put(listener, port);
            return this;
        }

        /**
         * A user who logs in with SASL PLAIN on the secured SASL listeners (principal {@code User:<name>}): fixed in
         * the broker's configuration, unlike SCRAM users. Names are letters, digits and {@code . _ @ -}.
         */
        public Builder plainUser(String name, String password) {
            Sasl.requireUserName(name);
            if (password.isEmpty()) {
                throw new IllegalArgumentException("the PLAIN password of " + name + " is empty");
            }
            plainUsers.put(name, password);
            return this;
        }

        public LocalKafkaBroker start() {
            if (serverTls == null && !(securedPorts.isEmpty() && plainUsers.isEmpty())) {
                throw new IllegalStateException("securedPort(...) and plainUser(...) need secured(...)");
            }
            if (maxHeap != null && jvmOptions != null) {
                throw new IllegalStateException("maxHeap(...) and jvmOptions(...) do not go together: give -Xmx in "
                        + "the JVM options");
            }
            return LocalKafkaBroker.start(new BrokerSettings(port, bindHost, advertisedHost, defaultPartitions,
                    startTimeout, maxHeap, jvmOptions, extraConfig, parentDirectory, extraListeners, serverTls,
                    securedPorts, plainUsers));
        }
    }
}
