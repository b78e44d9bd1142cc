package dev.interactiondemo.localkafka;

import org.apache.kafka.clients.admin.ScramMechanism;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes the files a broker starts from into its directory: {@code server.properties} (KRaft roles, listeners,
 * storage, topic defaults, TLS and SASL for the secured listeners, then one's own settings) and the child JVM's
 * {@code logback.xml}.
 */
final class BrokerConfigFiles {
    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="OUT"/></root>
              <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
            </configuration>
            """;

    private BrokerConfigFiles() {
    }

    /** Writes both files into {@code dir}; returns the path of {@code server.properties}. */
    static Path write(Path dir, BrokerSettings settings, BrokerPorts ports) {
        String config = serverProperties(dir, settings, ports);
        try {
            Files.writeString(dir.resolve("logback.xml"), LOGBACK);
            return Files.writeString(dir.resolve("server.properties"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String serverProperties(Path dir, BrokerSettings settings, BrokerPorts ports) {
        String bindHost = settings.bindHost();
        String advertisedHost = settings.advertisedHost();
        List<Listener> more = new ArrayList<>();
        ports.extra().forEach((name, p) ->
                more.add(new Listener(name, p, settings.extraListeners().get(name), "PLAINTEXT")));
        ports.secured().forEach((name, p) -> more.add(new Listener(name, p, advertisedHost + ":" + p, name)));
        StringBuilder listeners = new StringBuilder();
        StringBuilder advertised = new StringBuilder();
        StringBuilder protocols = new StringBuilder();
        more.forEach(listener -> {
            listeners.append(',').append(listener.name()).append("://").append(bindHost).append(':')
                    .append(listener.port());
            advertised.append(',').append(listener.name()).append("://").append(listener.advertisedAddress());
            protocols.append(',').append(listener.name()).append(':').append(listener.securityProtocol());
        });
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + (bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost) + ":"
                        + ports.controller(),
                "listeners=PLAINTEXT://" + bindHost + ":" + ports.client() + ",CONTROLLER://" + bindHost + ":"
                        + ports.controller() + listeners,
                "advertised.listeners=PLAINTEXT://" + advertisedHost + ":" + ports.client() + advertised,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + protocols,
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + settings.defaultPartitions(),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "") + securityConfig(settings) + settings.extraConfig().entrySet().stream()
                .map(setting -> property(setting.getKey(), setting.getValue()) + "\n")
                .collect(Collectors.joining());
    }

    /**
     * The lines of server.properties for a secured broker; none for another. The PEM values are single lines with
     * {@code \n} escapes, which Java properties (how Kafka reads the file) turn back into line breaks: Kafka's PEM
     * parser needs white space after {@code -----BEGIN ...-----}, so a value continued over lines with a bare
     * {@code \} at the end of each (which drops the line breaks) would not parse.
     */
    private static String securityConfig(BrokerSettings settings) {
        Certificates.TlsMaterial serverTls = settings.serverTls();
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
        String plainJaas = Sasl.PLAIN_LOGIN_MODULE + " required"
                + settings.plainUsers().entrySet().stream()
                        .map(user -> " user_" + user.getKey() + "=\"" + Sasl.jaasQuoted(user.getValue()) + "\"")
                        .collect(Collectors.joining())
                + ";";
        for (String listener : List.of(LocalKafkaBroker.SASL_SSL, LocalKafkaBroker.SASL_PLAINTEXT)) {
            String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
            lines.add(prefix + "sasl.enabled.mechanisms=" + String.join(",", Sasl.SASL_MECHANISMS));
            for (ScramMechanism mechanism : Sasl.SCRAM_MECHANISMS) {
                lines.add(prefix + mechanism.mechanismName().toLowerCase(Locale.ROOT)
                        + ".sasl.jaas.config=" + Sasl.SCRAM_LOGIN_MODULE + " required;");
            }
            lines.add(property(prefix + "plain.sasl.jaas.config", plainJaas));
        }
        return String.join("\n", lines) + "\n";
    }

    /** A client listener besides PLAINTEXT: an extra one or a secured one. */
    private record Listener(String name, int port, String advertisedAddress, String securityProtocol) {
    }

    /** A line of a Java properties file: backslashes and line breaks in {@code value} escaped. */
    private static String property(String key, String value) {
        return key + "=" + value.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n");
    }
}
