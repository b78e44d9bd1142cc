package dev.interactiondemo.kafka;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checks that a bootstrap address speaks Kafka before a Kafka client is given it.
 * <p>
 * kafka-clients sizes its receive buffer from the first four bytes of whatever answers, without a bound: an HTTP
 * server's {@code "HTTP"} reads as a 1.2 GB response, a TLS alert as about 350 MB, and the client's JVM runs out of
 * heap (KAFKA-4090; the client-side bound proposed in KIP-498 was never merged). This check sends one
 * {@code ApiVersions} request (v0, which every broker answers, also before SASL authentication) on a plain socket,
 * reads at most {@link #MAX_RESPONSE_BYTES} of the reply and checks its correlation id; connecting and reading are
 * bounded by a deadline. It never throws: the {@link Result} says what answered.
 */
public final class KafkaAddressCheck {
    /** An ApiVersions v0 response is a few hundred bytes; anything claiming more is not Kafka. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final short API_VERSIONS = 18;
    private static final int TLS_ALERT = 0x15;
    private static final int TLS_HANDSHAKE = 0x16;

    /** What the address turned out to be. */
    public enum Verdict {
        /** A Kafka broker answered ApiVersions. */
        KAFKA,
        /** Something answered, but not Kafka (HTTP, TLS, another protocol): the message says what. */
        NOT_KAFKA,
        /** Nothing could be reached: no such host, refused, or no answer within the deadline. */
        UNREACHABLE,
        /**
         * The TLS handshake failed: the broker's certificate is not trusted or does not name the address, the broker
         * refused the client certificate, or the listener does not speak TLS.
         */
        TLS_FAILED
    }

    /** @param message a sentence a user can act on, naming the address; empty for {@link Verdict#KAFKA} */
    public record Result(Verdict verdict, String address, String message) {
        public boolean isKafka() {
            return verdict == Verdict.KAFKA;
        }
    }

    private KafkaAddressCheck() {
    }

    /**
     * Checks every address of a comma-separated bootstrap list; the list is Kafka when at least one answers as Kafka
     * and none answers as something else (kafka-clients would try them all).
     */
    public static Result checkAll(String bootstrapServers, Duration deadline) {
        return checkAll(bootstrapServers, deadline, KafkaClientSecurity.NONE);
    }

    /**
     * As {@link #checkAll(String, Duration)}, over TLS when {@code security} says so: the TLS handshake (with its
     * trust, client certificate and host name verification, as kafka-clients does it) comes first, then ApiVersions.
     */
    public static Result checkAll(String bootstrapServers, Duration deadline, KafkaClientSecurity security) {
        SSLContext tls = null;
        if (security.tls()) {
            try {
                tls = security.sslContext();
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return new Result(Verdict.TLS_FAILED, bootstrapServers, "the TLS settings for " + bootstrapServers
                        + " cannot be used: " + e.getMessage());
            }
        }
        List<Result> results = new ArrayList<>();
        for (String address : bootstrapServers.split(",")) {
            String a = address.trim();
            if (!a.isEmpty()) {
                results.add(check(a, deadline, tls));
            }
        }
        if (results.isEmpty()) {
            return new Result(Verdict.UNREACHABLE, bootstrapServers, "no bootstrap address given");
        }
        for (Result r : results) {
            if (r.verdict() == Verdict.NOT_KAFKA || r.verdict() == Verdict.TLS_FAILED) {
                return r;
            }
        }
        return results.stream().filter(Result::isKafka).findFirst().orElse(results.get(0));
    }

    /** Checks one {@code host:port}, in plaintext. */
    public static Result check(String address, Duration deadline) {
        return check(address, deadline, null);
    }

    /** Checks one {@code host:port}; over TLS with {@code tls}, unless it is null. */
    static Result check(String address, Duration deadline, SSLContext tls) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return new Result(Verdict.UNREACHABLE, address, "bootstrap address " + address + " is not host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            return new Result(Verdict.UNREACHABLE, address, "bootstrap address " + address + " has no valid port");
        }
        int timeout = (int) Math.max(1, deadline.toMillis());
        long end = System.nanoTime() + deadline.toNanos();
        int correlationId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            return new Result(Verdict.UNREACHABLE, address, "bootstrap host " + host + " (" + address
                    + ") does not resolve");
        }
        try (Socket plain = new Socket()) {
            plain.connect(target, timeout);
            plain.setSoTimeout(remaining(end));
            Socket socket = plain;
            if (tls != null) {
                try {
                    socket = handshake(tls, plain, host, port);
                } catch (SSLException e) {
                    return new Result(Verdict.TLS_FAILED, address, "TLS handshake with " + address + " failed: "
                            + tlsProblem(e));
                } catch (EOFException e) {
                    return new Result(Verdict.TLS_FAILED, address, "TLS handshake with " + address + " failed: the "
                            + "listener closed the connection (does it speak TLS?)");
                }
            }
            byte[] head = new byte[4];
            InputStream in = socket.getInputStream();
            try {
                socket.getOutputStream().write(apiVersionsRequest(correlationId));
                socket.getOutputStream().flush();
                readFully(in, head, socket, end);
            } catch (IOException e) {
                if (tls == null || e instanceof SocketTimeoutException || e instanceof SSLException) {
                    throw e;
                }
                // Under TLS 1.3 a broker that refuses the client certificate closes the connection just after the
                // handshake: the request meets a closed connection.
                return new Result(Verdict.TLS_FAILED, address, "TLS with " + address + " failed: the broker closed "
                        + "the connection after the handshake; it likely refused the client certificate (or wants "
                        + "one): " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            int size = ByteBuffer.wrap(head).getInt();
            if (size < 6 || size > MAX_RESPONSE_BYTES) {
                return new Result(Verdict.NOT_KAFKA, address, "bootstrap address " + address + " is not a Kafka broker: "
                        + describe(head, size));
            }
            byte[] body = new byte[size];
            readFully(in, body, socket, end);
            ByteBuffer b = ByteBuffer.wrap(body);
            int answeredId = b.getInt();
            if (answeredId != correlationId) {
                return new Result(Verdict.NOT_KAFKA, address, "bootstrap address " + address
                        + " is not a Kafka broker: its answer does not match Kafka's ApiVersions request");
            }
            return new Result(Verdict.KAFKA, address, "");
        } catch (SSLException e) {
            // TLS 1.3 says a refused client certificate only after the handshake, on the first read
            return new Result(Verdict.TLS_FAILED, address, "TLS with " + address + " failed: " + tlsProblem(e));
        } catch (UnknownHostException e) {
            return new Result(Verdict.UNREACHABLE, address, "bootstrap host " + host + " (" + address
                    + ") does not resolve");
        } catch (SocketTimeoutException e) {
            return new Result(Verdict.UNREACHABLE, address, "bootstrap address " + address + " did not answer within "
                    + deadline.toMillis() + " ms");
        } catch (EOFException e) {
            return new Result(Verdict.NOT_KAFKA, address, "bootstrap address " + address
                    + " closed the connection on Kafka's ApiVersions request: not a Kafka broker (or a listener that"
                    + " needs TLS)");
        } catch (IOException e) {
            return new Result(Verdict.UNREACHABLE, address, "cannot connect to bootstrap address " + address + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static Socket handshake(SSLContext tls, Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as kafka-clients: the certificate names the host
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** A TLS failure in words a user can act on. */
    private static String tlsProblem(SSLException e) {
        String m = String.valueOf(e.getMessage());
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (m.contains("PKIX path") || cause instanceof java.security.cert.CertPathValidatorException
                || cause.getClass().getSimpleName().equals("SunCertPathBuilderException")) {
            return "the broker's certificate is not signed by a trusted CA (check the trusted certificates)";
        }
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
            return "the broker's certificate does not name this address (" + m + ")";
        }
        if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")) {
            return "the broker refused the client certificate (" + m + ")";
        }
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")
                || m.contains("Remote host terminated the handshake")) {
            return "the listener does not speak TLS (a plaintext listener needs no TLS settings)";
        }
        return m;
    }

    /** What the first bytes of a non-Kafka answer look like, in words. */
    private static String describe(byte[] head, int size) {
        String text = new String(head, StandardCharsets.US_ASCII);
        if (text.startsWith("HTTP")) {
            return "an HTTP server answered";
        }
        int first = head[0] & 0xff;
        if ((first == TLS_ALERT || first == TLS_HANDSHAKE) && head[1] == 3) {
            return "it speaks TLS (a TLS listener needs the client's TLS settings)";
        }
        if (text.startsWith("SSH-")) {
            return "an SSH server answered";
        }
        return "its answer claims " + Integer.toUnsignedString(size) + " bytes, where Kafka answers ApiVersions in"
                + " under " + MAX_RESPONSE_BYTES;
    }

    private static void readFully(InputStream in, byte[] into, Socket socket, long end) throws IOException {
        int read = 0;
        while (read < into.length) {
            socket.setSoTimeout(remaining(end));
            int n = in.read(into, read, into.length - read);
            if (n < 0) {
                throw new EOFException();
            }
            read += n;
        }
    }

    private static int remaining(long end) throws SocketTimeoutException {
        long ms = (end - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException();
        }
        return (int) ms;
    }

    /** ApiVersions v0 with request header v1: api key, version, correlation id, client id. */
    static byte[] apiVersionsRequest(int correlationId) {
        // The client id ends with an empty line so that an HTTP server, which reads up to one, answers at once.
        byte[] clientId = "interaction-demo-check\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        int size = 2 + 2 + 4 + 2 + clientId.length;
        ByteBuffer b = ByteBuffer.allocate(4 + size);
        b.putInt(size).putShort(API_VERSIONS).putShort((short) 0).putInt(correlationId)
                .putShort((short) clientId.length).put(clientId);
        return b.array();
    }
}
