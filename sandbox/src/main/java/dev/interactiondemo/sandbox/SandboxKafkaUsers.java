package dev.interactiondemo.sandbox;

import dev.interactiondemo.common.Directories;

import dev.interactiondemo.localkafka.Certificates;
import dev.interactiondemo.notifier.KafkaSecurityFiles;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The sandbox's secured Kafka ({@code --kafka-security scram} or {@code mtls}): a CA of its own and the broker's
 * certificate for {@code localhost} and {@code 127.0.0.1}; a Kafka user for the Host ({@value #HOST_USER}) and one
 * for the Workers ({@value #WORKER_USER}), each allowed by ACLs only what its part does; and their files (the CA
 * certificate, and a password or a client certificate and key each) in a temporary directory that only the user can
 * read (0700, files 0600), which {@link #close()} deletes. The Host and the Workers read these files as the notifier
 * reads the Secrets the operator mounts for it ({@link #notifierFiles}).
 */
final class SandboxKafkaUsers implements AutoCloseable {
    static final String HOST_USER = "sandbox-host";
    static final String WORKER_USER = "sandbox-worker";
    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    private static final String CA_FILE = "ca.crt";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final SandboxOptions.KafkaSecurity mode;
    private final Certificates.TlsMaterial serverTls;
    private final Path dir;
    /** The SCRAM passwords (host, worker); null for mutual TLS. Kept for creating the users, never shown. */
    private final String[] passwords;

    private SandboxKafkaUsers(SandboxOptions.KafkaSecurity mode, Certificates.TlsMaterial serverTls, Path dir,
                        String[] passwords) {
        this.mode = mode;
        this.serverTls = serverTls;
        this.dir = dir;
        this.passwords = passwords;
    }

    /** Makes the CA, the certificates and the passwords of {@code mode}, and writes the clients' files. */
    static SandboxKafkaUsers create(SandboxOptions.KafkaSecurity mode) {
        if (mode == SandboxOptions.KafkaSecurity.NONE) {
            throw new IllegalArgumentException("no access to make for --kafka-security none");
        }
        Certificates ca = Certificates.newCa("interaction-demo sandbox CA");
        Certificates.TlsMaterial serverTls = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        Path dir = privateDirectory();
        try {
            writePrivate(dir, CA_FILE, ca.caPem());
            String[] passwords = null;
            if (mode == SandboxOptions.KafkaSecurity.SCRAM) {
                passwords = new String[] {newPassword(), newPassword()};
                writePrivate(dir, HOST_USER + ".password", passwords[0]);
                writePrivate(dir, WORKER_USER + ".password", passwords[1]);
            } else {
                for (String user : List.of(HOST_USER, WORKER_USER)) {
                    Certificates.TlsMaterial client = ca.issueClient(user);
                    writePrivate(dir, user + ".crt", client.certificatePem());
                    writePrivate(dir, user + ".key", client.privateKeyPem());
                }
            }
            return new SandboxKafkaUsers(mode, serverTls, dir, passwords);
        } catch (RuntimeException e) {
            Directories.deleteRecursively(dir);
            throw e;
        }
    }

    /** The broker's certificate, key and CA: for {@link LocalKafkaBroker.Builder#secured}. */
    Certificates.TlsMaterial serverTls() {
        return serverTls;
    }

    /** The broker's listener the Host and the Workers use. */
    String listener() {
        return mode.listener();
    }

    /** Where the clients' files are. */
    Path directory() {
        return dir;
    }

    /** {@code user}'s principal on this listener: {@code User:<name>} with SCRAM, the certificate's subject with mTLS. */
    String principal(String user) {
        return mode == SandboxOptions.KafkaSecurity.SCRAM ? "User:" + user : "User:CN=" + user;
    }

    /**
     * Creates the users (SCRAM) and the least-privilege ACLs on {@code broker}: the Host may write to and describe
     * {@code topic}; the Workers may read and describe it and read (join, commit in) {@code group}. Nothing else.
     */
    void grant(LocalKafkaBroker broker, String topic, String group) {
        if (passwords != null) {
            broker.addScramUser(HOST_USER, passwords[0]);
            broker.addScramUser(WORKER_USER, passwords[1]);
        }
        broker.allow(principal(HOST_USER), ResourceType.TOPIC, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow(principal(WORKER_USER), ResourceType.TOPIC, topic, AclOperation.READ, AclOperation.DESCRIBE);
        broker.allow(principal(WORKER_USER), ResourceType.GROUP, group, AclOperation.READ);
    }

    /** The notifier's Kafka security for the Host or the Workers: files, never secrets. */
    KafkaSecurityFiles notifierFiles(boolean host) {
        String user = host ? HOST_USER : WORKER_USER;
        List<String> trusted = List.of(dir.resolve(CA_FILE).toString());
        return mode == SandboxOptions.KafkaSecurity.SCRAM
                ? new KafkaSecurityFiles(true, trusted, SCRAM_MECHANISM, user, dir.resolve(user + ".password"), null,
                        null)
                : new KafkaSecurityFiles(true, trusted, null, null, null, dir.resolve(user + ".crt"),
                        dir.resolve(user + ".key"));
    }

    /** What the Host and the Workers use, in words for the start-up line: no secret. */
    String describe() {
        return (mode == SandboxOptions.KafkaSecurity.SCRAM ? SCRAM_MECHANISM + " over TLS" : "mutual TLS")
                + " as " + principal(HOST_USER) + " and " + principal(WORKER_USER);
    }

    /** Deletes the clients' files. */
    @Override
    public void close() {
        Directories.deleteRecursively(dir);
    }

    private static Path privateDirectory() {
        try {
            return POSIX ? Files.createTempDirectory("sandbox-kafka-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("sandbox-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the Kafka credentials", e);
        }
    }

    /** Creates {@code name} in {@code dir} readable and writable by the user only (0600), then writes it. */
    private static void writePrivate(Path dir, String name, String content) {
        Path file = dir.resolve(name);
        try {
            if (POSIX) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** 32 random bytes, URL-safe Base64: nothing to quote in JAAS. */
    private static String newPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "SandboxKafkaUsers[" + mode.label() + ", " + dir + "]";
    }
}
