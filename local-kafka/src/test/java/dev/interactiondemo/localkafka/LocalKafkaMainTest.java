package dev.interactiondemo.localkafka;

import dev.interactiondemo.common.ConfigException;
import dev.interactiondemo.common.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker program's settings: read as every program's are, every bad one named before the broker starts. */
class LocalKafkaMainTest {

    private static LocalKafkaMain.Setup setup(Map<String, String> env, String... args) {
        return LocalKafkaMain.setup(Settings.parse(LocalKafkaMain.OPTIONS, args, env), "kafka-0");
    }

    @Test
    void withNothingSetItIsAPlaintextBroker() {
        LocalKafkaMain.Setup setup = setup(Map.of());
        assertFalse(setup.secured());
        assertEquals(List.of(), setup.users());
        assertEquals(List.of(), setup.acls());
        assertTrue(Settings.usage("local-kafka", LocalKafkaMain.OPTIONS).contains("BROKER_ADVERTISED_HOST"));
    }

    @Test
    void everyBadSettingIsNamedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> setup(
                Map.of("BROKER_PORT", "ninety", "BROKER_HEAP", "lots", "BROKER_USERS_FILE", "/no/such/users"),
                "--partitions=0", "--tls-dir=/no/such/dir"));
        assertEquals(5, e.problems().size(), e.getMessage());
        String m = e.getMessage();
        assertTrue(m.contains("BROKER_PORT (--port): 'ninety' is not a whole number"), m);
        assertTrue(m.contains("BROKER_HEAP (--heap): 'lots' is not a heap size such as 512m or 1g"), m);
        assertTrue(m.contains("BROKER_PARTITIONS (--partitions): 0 is out of range [1, 1000]"), m);
        assertTrue(m.contains("BROKER_USERS_FILE (--users-file): cannot read /no/such/users"), m);
        assertTrue(m.contains("BROKER_TLS_DIR (--tls-dir): cannot read tls.crt, tls.key and ca.crt from "
                + "/no/such/dir"), m);
    }

    @Test
    void usersAndAclsNeedTls(@TempDir Path dir) throws IOException {
        Path users = Files.writeString(dir.resolve("users"), "alice:secret\n");
        ConfigException e = assertThrows(ConfigException.class, () -> setup(Map.of("BROKER_USERS_FILE",
                users.toString())));
        assertEquals(List.of("BROKER_USERS_FILE (--users-file) and BROKER_ACLS_FILE (--acls-file) need BROKER_TLS_DIR "
                + "(--tls-dir)"), e.problems());

        Path acls = Files.writeString(dir.resolve("acls"), "User:alice topic:t Write\nUser:bob nowhere Read\n");
        e = assertThrows(ConfigException.class, () -> setup(Map.of("BROKER_ACLS_FILE", acls.toString())));
        assertTrue(e.problems().get(0).startsWith("BROKER_ACLS_FILE " + acls + " line 2: "), e.getMessage());
    }

    @Test
    void aTlsDirectoryTurnsOnTheSecuredListenersWithTheUsersAndAcls(@TempDir Path dir) throws IOException {
        Path tls = Files.createDirectory(dir.resolve("tls"));
        Certificates.newCa("test-ca").issueServer("kafka-0", List.of("kafka-0"), List.of()).writeTo(tls);
        Path users = Files.writeString(dir.resolve("users"), "# users\nalice:secret\n");
        Path acls = Files.writeString(dir.resolve("acls"), "User:alice topic:t Write,Describe\n");
        LocalKafkaMain.Setup setup = setup(Map.of("BROKER_TLS_DIR", tls.toString(), "BROKER_ACLS_FILE",
                acls.toString()), "--users-file", users.toString());
        assertTrue(setup.secured());
        assertEquals(List.of(new AccessFiles.User("alice", "secret")), setup.users());
        assertEquals(1, setup.acls().size());

        ConfigException e = assertThrows(ConfigException.class, () -> setup(Map.of("BROKER_TLS_DIR",
                dir.resolve("missing").toString())));
        assertTrue(e.problems().get(0).startsWith("BROKER_TLS_DIR (--tls-dir): cannot read tls.crt, tls.key and "
                + "ca.crt from "), e.getMessage());
    }
}
