package dev.interactiondemo.notifier;

import dev.interactiondemo.kafka.KafkaClientSecurity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the notifier's Kafka security lives: files, as the operator mounts them from the demo's Secrets (never a
 * secret in a variable). {@link #load()} reads them, at start-up and again on every new Kafka client, so a Secret
 * changed since (Kubernetes updates mounted Secrets in place) is used from the next reconnection on.
 *
 * @param tls        whether to connect with TLS
 * @param trusted    PEM files of the CAs to trust (a file name may be a glob: {@code dir/*.crt}); empty for the JVM's
 * @param mechanism  the SASL mechanism, or null
 * @param username   the SASL user name
 * @param password   the file that holds the SASL password
 * @param certificate the PEM client certificate (mutual TLS), or null
 * @param key        its PKCS#8 PEM key
 */
public record KafkaSecurityFiles(boolean tls, List<String> trusted, String mechanism, String username, Path password,
                                 Path certificate, Path key) {

    public static final KafkaSecurityFiles NONE = new KafkaSecurityFiles(false, List.of(), null, null, null, null, null);

    /**
     * The security these files hold.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public KafkaClientSecurity load() {
        if (!tls && mechanism == null) {
            return KafkaClientSecurity.NONE;
        }
        String trust = null;
        if (!trusted.isEmpty()) {
            StringBuilder pem = new StringBuilder();
            for (String spec : trusted) {
                for (Path file : expand(spec)) {
                    pem.append(read(file)).append('\n');
                }
            }
            trust = pem.toString();
        }
        String pw = mechanism == null ? null : KafkaClientSecurity.secretText(read(password));
        KafkaClientSecurity security = new KafkaClientSecurity(tls, mechanism, username, pw, trust,
                certificate == null ? null : read(certificate), key == null ? null : read(key));
        security.validate("the trusted certificates " + trusted, String.valueOf(certificate), String.valueOf(key));
        return security;
    }

    /** The files a trusted-certificates entry names: itself, or those its file-name glob matches (at least one). */
    private static List<Path> expand(String spec) {
        Path path = Path.of(spec);
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!name.contains("*") && !name.contains("?")) {
            return List.of(path);
        }
        Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name)) {
            // a mounted Secret's keys are links into a hidden ..data directory: take the visible names only
            files.forEach(f -> {
                if (!f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)) {
                    matches.add(f);
                }
            });
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + " for the trusted certificates " + spec + ": " + e);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no file matches the trusted certificates " + spec);
        }
        matches.sort(null);
        return matches;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
