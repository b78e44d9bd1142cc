package dev.interactiondemo.localkafka;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A test-time certificate authority: a self-signed CA that issues server and client certificates, all in PEM, for
 * the TLS listeners of {@link LocalKafkaBroker} and for the clients that connect to them. Keys are EC P-256 (quick
 * to generate; Kafka's PEM key stores read them); certificates are valid from an hour ago (clocks differ a little)
 * for 30 days, and never past the CA's own end. Nothing here is fit for production: the CA key lives in memory only.
 */
public final class Certificates {
    private static final Duration BACKDATED = Duration.ofHours(1);
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final String caPem;

    private Certificates(KeyPair caKeys, X509Certificate caCertificate) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
        this.caPem = pem("CERTIFICATE", encoded(caCertificate));
    }

    /**
     * A new self-signed CA with subject {@code CN=<commonName>}: basic constraints CA=true, key usage keyCertSign
     * and cRLSign.
     */
    public static Certificates newCa(String commonName) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = commonName(commonName);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
                Date.from(now.minus(BACKDATED)), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
        return new Certificates(keys, sign(builder, keys));
    }

    /** The CA certificate in PEM: what clients and the broker trust. */
    public String caPem() {
        return caPem;
    }

    /**
     * A server certificate with subject {@code CN=<commonName>}, subject alternative names {@code dnsNames} and
     * {@code ipAddresses} (at least one in all: clients check the host they connect to against them) and extended
     * key usage serverAuth.
     */
    public TlsMaterial issueServer(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
        }
        return issue(commonName, KeyPurposeId.id_kp_serverAuth, new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /**
     * A client certificate with subject {@code CN=<commonName>} and extended key usage clientAuth. On a listener
     * with mutual TLS Kafka's default principal for it is {@code User:CN=<commonName>}.
     */
    public TlsMaterial issueClient(String commonName) {
        return issue(commonName, KeyPurposeId.id_kp_clientAuth, null);
    }

    private TlsMaterial issue(String commonName, KeyPurposeId purpose, GeneralNames subjectAlternativeNames) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        Instant notAfter = now.plus(VALIDITY);
        if (notAfter.isAfter(caCertificate.getNotAfter().toInstant())) {
            notAfter = caCertificate.getNotAfter().toInstant();
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serialNumber(),
                Date.from(now.minus(BACKDATED)), Date.from(notAfter), commonName(commonName), keys.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(caCertificate));
            if (subjectAlternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the certificate for " + commonName, e);
        }
        X509Certificate certificate = sign(builder, caKeys);
        return new TlsMaterial(pem("CERTIFICATE", encoded(certificate)),
                pem("PRIVATE KEY", keys.getPrivate().getEncoded()), caPem);
    }

    /**
     * A certificate, its private key and the CA that signed it, all PEM: the shape of a Kubernetes TLS Secret
     * (and of Strimzi's user Secrets). The key is unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), what
     * Kafka's {@code ssl.keystore.type=PEM} takes in {@code ssl.keystore.key} without a key password.
     *
     * @param certificatePem the certificate
     * @param privateKeyPem  its private key
     * @param caPem          the certificate of the CA that signed it
     */
    public record TlsMaterial(String certificatePem, String privateKeyPem, String caPem) {
        /** The certificate's file name in a directory written by {@link #writeTo}. */
        public static final String CERTIFICATE_FILE = "tls.crt";
        /** The private key's file name in a directory written by {@link #writeTo}. */
        public static final String PRIVATE_KEY_FILE = "tls.key";
        /** The CA certificate's file name in a directory written by {@link #writeTo}. */
        public static final String CA_FILE = "ca.crt";

        /** Writes {@code tls.crt}, {@code tls.key} and {@code ca.crt} into {@code dir}, creating it if need be. */
        public void writeTo(Path dir) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(CERTIFICATE_FILE), certificatePem);
                Files.writeString(dir.resolve(PRIVATE_KEY_FILE), privateKeyPem);
                Files.writeString(dir.resolve(CA_FILE), caPem);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the TLS files into " + dir, e);
            }
        }

        /** Reads what {@link #writeTo} writes, e.g. a mounted Kubernetes TLS Secret that has a {@code ca.crt}. */
        public static TlsMaterial readFrom(Path dir) {
            try {
                return new TlsMaterial(Files.readString(dir.resolve(CERTIFICATE_FILE)),
                        Files.readString(dir.resolve(PRIVATE_KEY_FILE)), Files.readString(dir.resolve(CA_FILE)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + CERTIFICATE_FILE + ", " + PRIVATE_KEY_FILE + " and "
                        + CA_FILE + " from " + dir + ": " + e, e);
            }
        }

        /** Without the private key, so that it stays out of logs and assertion messages. */
        @Override
        public String toString() {
            return "TlsMaterial[certificatePem=" + certificatePem.length() + " chars, privateKeyPem=(hidden), caPem="
                    + caPem.length() + " chars]";
        }
    }

    private static X500Name commonName(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate needs a common name");
        }
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
        }
    }

    /** A random positive serial number of 64 bits, so that no two certificates of a CA share one. */
    private static BigInteger serialNumber() {
        return new BigInteger(64, RANDOM).setBit(63);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }
}
