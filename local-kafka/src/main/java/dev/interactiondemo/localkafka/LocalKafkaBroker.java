package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.Directories;

import dev.interactiondemo.common.Defaults;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    private static final List<String> SECURED_LISTENERS = List.of(SASL_SSL, SSL, SASL_PLAINTEXT);
    private static final List<ScramMechanism> SCRAM_MECHANISMS =
            List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256);
    /** What the SASL listeners accept. */
    private static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    /** Kafka's minimum, and enough for a test broker: every SCRAM login costs this many hash rounds. */
    private static final int SCRAM_ITERATIONS = 4096;
    /** User names that need no quoting in JAAS options or escaping in SCRAM messages. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;
    private final String advertisedHost;
    private final String bootstrapServers;
    private final int port;
    private final Map<String, Integer> extraListenerPorts;
    private final Map<String, Integer> securedListenerPorts;

    private LocalKafkaBroker(Path dir, Process process, int port, String advertisedHost,
                             Map<String, Integer> extraListenerPorts, Map<String, Integer> securedListenerPorts) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.advertisedHost = advertisedHost;
        this.bootstrapServers = advertisedHost + ":" + port;
        this.extraListenerPorts = Map.copyOf(extraListenerPorts);
        this.securedListenerPorts = Map.copyOf(securedListenerPorts);
    }

    private static LocalKafkaBroker shared;

    /**
     * One broker for the whole JVM, started on first use and stopped when the JVM exits: test classes share it
     * (each with its own topics and groups) instead of paying a broker start each.
     */
    public static synchronized LocalKafkaBroker shared() {
        if (shared == null || !shared.isRunning()) {
            LocalKafkaBroker broker = start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "local-kafka-stop"));
            shared = broker;
        }
        return shared;
    }

    /** Starts a broker on a free port of the loopback interface. */
    public static LocalKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
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
        Integer p = securedListenerPorts.get(listener);
        if (p == null) {
            throw new IllegalArgumentException(SECURED_LISTENERS.contains(listener)
                    ? "the broker has no " + listener + " listener: start it with Builder.secured(...)"
                    : "no client listener " + listener + "; there are PLAINTEXT and " + securedListenerPorts.keySet());
        }
        return advertisedHost + ":" + p;
    }

    public int port() {
        return port;
    }

    /**
     * The port the broker listens on for an extra listener added with {@link Builder#extraListener} (where a proxy
     * in front of it forwards to), or for a secured listener.
     */
    public int listenerPort(String name) {
        Integer p = extraListenerPorts.getOrDefault(name, securedListenerPorts.get(name));
        if (p == null) {
            throw new IllegalArgumentException("no extra or secured listener " + name + "; there are "
                    + extraListenerPorts.keySet() + " and " + securedListenerPorts.keySet());
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
        requireUserName(name);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the SCRAM password of " + name + " is empty");
        }
        try (Admin admin = Admin.create(adminConfig(bootstrapServers))) {
            for (ScramMechanism mechanism : SCRAM_MECHANISMS) {
                // One request each: Kafka refuses a request that alters a user twice, even for two mechanisms.
                List<UserScramCredentialAlteration> upsert = List.of(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password));
                admin.alterUserScramCredentials(upsert).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                await("the " + mechanism.mechanismName() + " login of " + name,
                        () -> canLogIn(mechanism, name, password));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM credentials of " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the SCRAM credentials of " + name, e);
        }
    }

    /**
     * Allows {@code principal} (e.g. {@code User:alice} or {@code User:CN=alice}) the {@code operations} on the
     * resource of type {@code type} named exactly {@code name} (a literal pattern; {@code *} is every resource of
     * the type; a cluster is named {@code kafka-cluster}), from any host. Created through the {@code PLAINTEXT}
     * listener; returns once the broker enforces them. Only on a broker started {@link Builder#secured}.
     */
    public void allow(String principal, ResourceType type, String name, AclOperation... operations) {
        createAcls(AclPermissionType.ALLOW, principal, type, name, operations);
    }

    /**
     * Denies {@code principal} the {@code operations} on a resource, as {@link #allow} allows them: a deny wins over
     * any allow. Only on a broker started {@link Builder#secured}.
     */
    public void deny(String principal, ResourceType type, String name, AclOperation... operations) {
        createAcls(AclPermissionType.DENY, principal, type, name, operations);
    }

    private void createAcls(AclPermissionType permission, String principal, ResourceType type, String name,
                            AclOperation... operations) {
        requireSecured("ACLs");
        if (principal.indexOf(':') <= 0 || principal.endsWith(":")) {
            throw new IllegalArgumentException("a principal is type:name, e.g. User:alice, not " + principal);
        }
        if (operations.length == 0) {
            throw new IllegalArgumentException("an ACL for " + principal + " needs at least one operation");
        }
        ResourcePattern resource = new ResourcePattern(type, name, PatternType.LITERAL);
        List<AclBinding> bindings = Arrays.stream(operations)
                .map(operation -> new AclBinding(resource,
                        new AccessControlEntry(principal, "*", operation, permission)))
                .toList();
        AclBindingFilter filter = new AclBindingFilter(resource.toFilter(), AccessControlEntryFilter.ANY);
        try (Admin admin = Admin.create(adminConfig(bootstrapServers))) {
            admin.createAcls(bindings).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            await("the ACLs " + bindings, () -> admin.describeAcls(filter).values()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).containsAll(bindings));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the ACLs " + bindings, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the ACLs " + bindings, e);
        }
    }

    private void requireSecured(String what) {
        if (securedListenerPorts.isEmpty()) {
            throw new IllegalStateException(what + " need a broker started with Builder.secured(...)");
        }
    }

    /**
     * Whether {@code user} logs in with {@code mechanism} on the SASL_PLAINTEXT listener. Denied by the ACLs is
     * logged in: authorization comes after authentication.
     */
    private boolean canLogIn(ScramMechanism mechanism, String user, String password) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(adminConfig(bootstrapServers(SASL_PLAINTEXT)));
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SASL_PLAINTEXT);
        config.put(SaslConfigs.SASL_MECHANISM, mechanism.mechanismName());
        config.put(SaslConfigs.SASL_JAAS_CONFIG, SCRAM_LOGIN_MODULE + " required username=\"" + user
                + "\" password=\"" + jaasQuoted(password) + "\";");
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                return false;
            }
            if (e.getCause() instanceof AuthorizationException) {
                return true;
            }
            throw new IllegalStateException("cannot check the " + mechanism.mechanismName() + " login of " + user, e);
        } catch (TimeoutException e) {
            return false;
        }
    }

    private static Map<String, Object> adminConfig(String bootstrapServers) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    }

    /** Polls {@code condition} every 200 ms until it holds; an {@link IllegalStateException} after 30 s. */
    private static void await(String what, Condition condition) throws InterruptedException, ExecutionException,
            TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not take effect within " + ADMIN_TIMEOUT);
            }
            Thread.sleep(200);
        }
    }

    /** A condition {@link #await} polls. */
    private interface Condition {
        boolean holds() throws InterruptedException, ExecutionException, TimeoutException;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The broker's JVM: its process id (e.g. to measure what it uses), and when it exits, however it ends. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** The broker's own log, for diagnosing a failed start. */
    public Path logFile() {
        return dir.resolve("broker.log");
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and deletes its data. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
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
            requireUserName(name);
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
            int clientPort = portOrFree(port);
            int controllerPort = freePort(bindHost);
            Map<String, Integer> extraPorts = new LinkedHashMap<>();
            extraListeners.keySet().forEach(name -> extraPorts.put(name, freePort(bindHost)));
            Map<String, Integer> securedListenerPorts = new LinkedHashMap<>();
            if (serverTls != null) {
                SECURED_LISTENERS.forEach(name ->
                        securedListenerPorts.put(name, portOrFree(securedPorts.getOrDefault(name, 0))));
            }
            Path dir;
            try {
                dir = parentDirectory == null ? Files.createTempDirectory("local-kafka-")
                        : Files.createTempDirectory(Files.createDirectories(parentDirectory), "local-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                Path props = writeConfig(dir, clientPort, controllerPort, extraPorts, securedListenerPorts);
                Path log = dir.resolve("broker.log");
                run(dir, log, List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                        "-c", props.toString()));
                Process process = launch(dir, log, List.of("kafka.Kafka", props.toString()));
                LocalKafkaBroker broker = new LocalKafkaBroker(dir, process, clientPort, advertisedHost, extraPorts,
                        securedListenerPorts);
                broker.awaitReady(startTimeout);
                LOG.info("Kafka broker ready at {} (data in {})", broker.bootstrapServers(), dir);
                if (serverTls != null) {
                    LOG.info("Kafka broker's secured listeners: {}", securedListenerPorts);
                }
                return broker;
            } catch (RuntimeException e) {
                deleteRecursively(dir);
                throw e;
            }
        }

        private int portOrFree(int requested) {
            return requested == 0 ? freePort(bindHost) : requireFree(bindHost, requested);
        }

        private Path writeConfig(Path dir, int clientPort, int controllerPort, Map<String, Integer> extraPorts,
                                 Map<String, Integer> securedListenerPorts) {
            List<Listener> more = new ArrayList<>();
            extraPorts.forEach((name, p) -> more.add(new Listener(name, p, extraListeners.get(name), "PLAINTEXT")));
            securedListenerPorts.forEach((name, p) -> more.add(new Listener(name, p, advertisedHost + ":" + p, name)));
            StringBuilder listeners = new StringBuilder();
            StringBuilder advertised = new StringBuilder();
            StringBuilder protocols = new StringBuilder();
            more.forEach(listener -> {
                listeners.append(',').append(listener.name()).append("://").append(bindHost).append(':')
                        .append(listener.port());
                advertised.append(',').append(listener.name()).append("://").append(listener.advertisedAddress());
                protocols.append(',').append(listener.name()).append(':').append(listener.securityProtocol());
            });
            String config = String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@" + (bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost) + ":"
                            + controllerPort,
                    "listeners=PLAINTEXT://" + bindHost + ":" + clientPort + ",CONTROLLER://" + bindHost + ":"
                            + controllerPort + listeners,
                    "advertised.listeners=PLAINTEXT://" + advertisedHost + ":" + clientPort + advertised,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + protocols,
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=" + defaultPartitions,
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=5",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    "") + securityConfig() + extraConfig.entrySet().stream()
                    .map(setting -> property(setting.getKey(), setting.getValue()) + "\n")
                    .collect(Collectors.joining());
            String logback = """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                      <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    </configuration>
                    """;
            try {
                Files.writeString(dir.resolve("logback.xml"), logback);
                return Files.writeString(dir.resolve("server.properties"), config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The lines of server.properties for {@link #secured}; none without. The PEM values are single lines with
         * {@code \n} escapes, which Java properties (how Kafka reads the file) turn back into line breaks: Kafka's
         * PEM parser needs white space after {@code -----BEGIN ...-----}, so a value continued over lines with a
         * bare {@code \} at the end of each (which drops the line breaks) would not parse.
         */
        private String securityConfig() {
            if (serverTls == null) {
                return "";
            }
            List<String> lines = new ArrayList<>(List.of(
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users=User:ANONYMOUS",
                    "allow.everyone.if.no.acl.found=false",
                    "ssl.keystore.type=PEM",
                    property("ssl.keystore.certificate.chain", serverTls.certificatePem()),
                    property("ssl.keystore.key", serverTls.privateKeyPem()),
                    "ssl.truststore.type=PEM",
                    property("ssl.truststore.certificates", serverTls.caPem()),
                    "listener.name.ssl.ssl.client.auth=required"));
            String plainJaas = PLAIN_LOGIN_MODULE + " required"
                    + plainUsers.entrySet().stream()
                            .map(user -> " user_" + user.getKey() + "=\"" + jaasQuoted(user.getValue()) + "\"")
                            .collect(Collectors.joining())
                    + ";";
            for (String listener : List.of(SASL_SSL, SASL_PLAINTEXT)) {
                String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
                lines.add(prefix + "sasl.enabled.mechanisms=" + String.join(",", SASL_MECHANISMS));
                for (ScramMechanism mechanism : SCRAM_MECHANISMS) {
                    lines.add(prefix + mechanism.mechanismName().toLowerCase(Locale.ROOT)
                            + ".sasl.jaas.config=" + SCRAM_LOGIN_MODULE + " required;");
                }
                lines.add(property(prefix + "plain.sasl.jaas.config", plainJaas));
            }
            return String.join("\n", lines) + "\n";
        }

        private Process launch(Path dir, Path log, List<String> mainAndArgs) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions != null ? jvmOptions
                    : List.of("-Xmx" + (maxHeap != null ? maxHeap : DEFAULT_MAX_HEAP), "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1"));
            cmd.addAll(List.of("-Djava.awt.headless=true",
                    "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                    "-cp", absoluteClassPath()));
            cmd.addAll(mainAndArgs);
            try {
                return new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a JVM for the Kafka broker", e);
            }
        }

        private void run(Path dir, Path log, List<String> mainAndArgs) {
            Process p = launch(dir, log, mainAndArgs);
            try {
                if (!p.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("formatting the Kafka storage failed:\n" + tail(log));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
            }
        }
    }

    /** A client listener besides PLAINTEXT: an extra one or a secured one. */
    private record Listener(String name, int port, String advertisedAddress, String securityProtocol) {
    }

    /** A line of a Java properties file: backslashes and line breaks in {@code value} escaped. */
    private static String property(String key, String value) {
        return key + "=" + value.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n");
    }

    /** {@code value} for the inside of a double-quoted JAAS option value. */
    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static String requireUserName(String name) {
        if (!USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is letters, digits and . _ @ -, not '" + name + "'");
        }
        return name;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    String why = tail(logFile());
                    close();
                    throw new IllegalStateException("the Kafka broker exited during start-up:\n" + why);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    String why = tail(logFile());
                    close();
                    throw new IllegalStateException("the Kafka broker was not ready within " + timeout + ":\n" + why);
                }
                sleep(200);
            }
        }
    }

    /** This JVM's class path with absolute entries: the child runs in another directory. */
    private static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    private static int requireFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for the Kafka broker is already in use", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no broker log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Removes the broker's directory; what cannot be removed is logged, never thrown: the broker is gone anyway. */
    private static void deleteRecursively(Path dir) {
        try {
            Directories.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("{}", e.getMessage());
        }
    }
}
