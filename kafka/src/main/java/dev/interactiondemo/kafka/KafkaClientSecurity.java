package dev.interactiondemo.kafka;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a Kafka client connects: with TLS or not, whom it trusts, and how it authenticates (SASL with a user name and
 * password, or a client certificate). Key and trust material are PEM text, given to kafka-clients as such
 * ({@code ssl.truststore.type=PEM}, {@code ssl.keystore.type=PEM}): nothing is written to disk, and the password and
 * key travel only in kafka-clients' {@code Password} settings, which it never logs. {@link #toString()} names no
 * secret either.
 *
 * @param tls                 whether the connection uses TLS
 * @param mechanism           the SASL mechanism ({@code SCRAM-SHA-512}, {@code SCRAM-SHA-256}, {@code PLAIN}), or
 *                            null for no SASL
 * @param username            the SASL user name (with a mechanism)
 * @param password            the SASL password (with a mechanism)
 * @param trustedCertificates PEM certificates of the CAs to trust, or null for the JVM's default trust
 * @param certificateChain    PEM client certificate (and chain) for mutual TLS, or null
 * @param privateKey          its unencrypted PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}), or null
 */
public record KafkaClientSecurity(boolean tls, String mechanism, String username, String password,
                                  String trustedCertificates, String certificateChain, String privateKey) {

    /** Plaintext, no authentication: Kafka's default listener. */
    public static final KafkaClientSecurity NONE = new KafkaClientSecurity(false, null, null, null, null, null, null);

    /** The SASL mechanisms the project speaks, as Kafka names them. */
    public static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    private static final Pattern PEM_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+?-----END CERTIFICATE-----");
    private static final Pattern PEM_PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+?)-----END PRIVATE KEY-----");

    public KafkaClientSecurity {
        if (mechanism != null) {
            if (!MECHANISMS.contains(mechanism)) {
                throw new IllegalArgumentException("unknown SASL mechanism " + mechanism + "; known: " + MECHANISMS);
            }
            if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("SASL " + mechanism + " needs a user name and a password");
            }
        }
        if ((certificateChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("a client certificate needs its private key, and a key its certificate");
        }
        if (certificateChain != null && !tls) {
            throw new IllegalArgumentException("a client certificate is for TLS connections only");
        }
        if (certificateChain != null && mechanism != null) {
            throw new IllegalArgumentException("authenticate with SASL or with a client certificate, not both");
        }
        if (trustedCertificates != null && !tls) {
            throw new IllegalArgumentException("trusted certificates are for TLS connections only");
        }
    }

    /** Kafka's {@code security.protocol}: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
    public String protocol() {
        if (mechanism == null) {
            return tls ? "SSL" : "PLAINTEXT";
        }
        return tls ? "SASL_SSL" : "SASL_PLAINTEXT";
    }

    public boolean sasl() {
        return mechanism != null;
    }

    public boolean clientCertificate() {
        return certificateChain != null;
    }

    /** The kafka-clients settings for this security, to add to a client's configuration. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", protocol());
        if (mechanism != null) {
            p.put("sasl.mechanism", mechanism);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + jaasQuoted(username) + "\" password=\""
                    + jaasQuoted(password) + "\";");
        }
        if (trustedCertificates != null) {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.certificates", trustedCertificates);
        }
        if (certificateChain != null) {
            p.put("ssl.keystore.type", "PEM");
            p.put("ssl.keystore.certificate.chain", certificateChain);
            p.put("ssl.keystore.key", privateKey);
        }
        return p;
    }

    /**
     * An SSL context with this trust and client certificate, for a TLS connection made outside kafka-clients (the
     * {@link KafkaAddressCheck}).
     */
    public SSLContext sslContext() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (trustedCertificates == null) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore trust = emptyKeyStore();
            List<Certificate> cas = certificates(trustedCertificates);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            tmf.init(trust);
        }
        KeyManagerFactory kmf = null;
        if (certificateChain != null) {
            KeyStore keys = emptyKeyStore();
            char[] none = new char[0];
            keys.setKeyEntry("client", privateKey(privateKey), none,
                    certificates(certificateChain).toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * Checks that the PEM material can be used, with a message naming {@code where} it came from: at least one
     * certificate in each certificate text, an unencrypted PKCS#8 key that matches no other format.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public void validate(String trustedFrom, String certificateFrom, String keyFrom) {
        if (trustedCertificates != null) {
            requireCertificates(trustedCertificates, trustedFrom);
        }
        if (certificateChain != null) {
            requireCertificates(certificateChain, certificateFrom);
            try {
                privateKey(privateKey);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException(keyFrom + " holds no usable private key: " + e.getMessage());
            }
        }
    }

    /** Protocol, mechanism and user name; never the password or key. */
    @Override
    public String toString() {
        return protocol() + (mechanism == null ? "" : " " + mechanism + " as " + username)
                + (certificateChain == null ? "" : " with a client certificate")
                + (tls ? trustedCertificates == null ? ", default trust" : ", trusting given CAs" : "");
    }

    /** A secret read from a file or a Secret: one trailing line break (as {@code echo} or an editor leaves) removed. */
    public static String secretText(String raw) {
        if (raw.endsWith("\r\n")) {
            return raw.substring(0, raw.length() - 2);
        }
        return raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
    }

    private static void requireCertificates(String pem, String from) {
        try {
            if (certificates(pem).isEmpty()) {
                throw new IllegalArgumentException(from + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(from + " holds a certificate that cannot be read: " + e.getMessage());
        }
    }

    private static List<Certificate> certificates(String pem) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> result = new ArrayList<>();
        Matcher m = PEM_CERTIFICATE.matcher(pem);
        while (m.find()) {
            result.add(factory.generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
        }
        return result;
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher m = PEM_PKCS8.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException(pem.contains("ENCRYPTED PRIVATE KEY") ? "the key is encrypted; give it "
                    + "unencrypted in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)" : "the key must be PKCS#8 PEM "
                    + "(-----BEGIN PRIVATE KEY-----); convert with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA, EC or EdDSA key", last);
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return ks;
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
