package dev.interactiondemo.localkafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificatesTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private final Certificates ca = Certificates.newCa("test CA");

    @Test
    void theCaIsSelfSignedAndMaySignCertificatesForThirtyDays() throws Exception {
        X509Certificate caCert = certificate(ca.caPem());
        assertEquals("CN=test CA", caCert.getSubjectX500Principal().getName());
        assertEquals(caCert.getSubjectX500Principal(), caCert.getIssuerX500Principal());
        caCert.verify(caCert.getPublicKey());
        assertTrue(caCert.getBasicConstraints() >= 0, "CA=true");
        assertTrue(caCert.getKeyUsage()[5], "keyCertSign");
        Instant now = Instant.now();
        assertTrue(caCert.getNotBefore().toInstant().isBefore(now.minus(Duration.ofMinutes(59))));
        assertTrue(caCert.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(29))));
        assertTrue(caCert.getNotAfter().toInstant().isBefore(now.plus(Duration.ofDays(31))));
    }

    @Test
    void aServerCertificateNamesItsHostsAndChainsToTheCa() throws Exception {
        Certificates.TlsMaterial server = ca.issueServer("kafka", List.of("localhost", "kafka.ns.svc"),
                List.of("127.0.0.1"));
        X509Certificate cert = certificate(server.certificatePem());
        assertEquals("CN=kafka", cert.getSubjectX500Principal().getName());
        assertEquals(Set.of(List.of(DNS_NAME, "localhost"), List.of(DNS_NAME, "kafka.ns.svc"),
                List.of(IP_ADDRESS, "127.0.0.1")), Set.copyOf(cert.getSubjectAlternativeNames()));
        assertEquals(List.of(SERVER_AUTH), cert.getExtendedKeyUsage());
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertEquals(ca.caPem(), server.caPem());
        validate(cert, ca.caPem());
        assertKeyMatches(server);
        assertThrows(IllegalArgumentException.class, () -> ca.issueServer("nameless", List.of(), List.of()));
    }

    @Test
    void aClientCertificateIsCnOnlyAndVerifiesOnlyAgainstItsOwnCa() throws Exception {
        Certificates.TlsMaterial client = ca.issueClient("alice");
        X509Certificate cert = certificate(client.certificatePem());
        assertEquals("CN=alice", cert.getSubjectX500Principal().getName());
        assertEquals(List.of(CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertNull(cert.getSubjectAlternativeNames());
        validate(cert, ca.caPem());
        assertKeyMatches(client);

        X509Certificate stranger = certificate(Certificates.newCa("another CA").issueClient("alice").certificatePem());
        assertThrows(GeneralSecurityException.class,
                () -> stranger.verify(certificate(ca.caPem()).getPublicKey()));
        assertThrows(CertPathValidatorException.class, () -> validate(stranger, ca.caPem()));
    }

    @Test
    void tlsMaterialIsWrittenAndReadAsTheFilesOfATlsSecret(@TempDir Path dir) throws IOException {
        Certificates.TlsMaterial client = ca.issueClient("bob");
        Path secret = dir.resolve("secret");
        client.writeTo(secret);
        try (var files = Files.list(secret)) {
            assertEquals(Set.of("tls.crt", "tls.key", "ca.crt"),
                    Set.copyOf(files.map(f -> f.getFileName().toString()).toList()));
        }
        assertEquals(client, Certificates.TlsMaterial.readFrom(secret));
        assertTrue(client.toString().contains("(hidden)"));
        assertFalse(client.toString().contains("PRIVATE KEY"), "no key in toString");
    }

    /** The key is unencrypted PKCS#8 PEM and belongs to the certificate: what it signs, the certificate verifies. */
    private static void assertKeyMatches(Certificates.TlsMaterial material) throws Exception {
        String pem = material.privateKeyPem();
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem.lines().findFirst().orElse(""));
        assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"));
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        byte[] data = "proof".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate(material.certificatePem()).getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signature));
    }

    /** PKIX validation of {@code cert} with the CA of {@code caPem} as the only trust anchor. */
    private static void validate(X509Certificate cert, String caPem) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(certificate(caPem), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(cert)), parameters);
    }

    private static X509Certificate certificate(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
