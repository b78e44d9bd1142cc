package dev.interactiondemo.localkafka;

import org.apache.kafka.clients.admin.ScramMechanism;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What the broker's SASL listeners and the clients that check them share: the mechanisms, the login modules, the
 * user names they accept, and how a value goes inside a JAAS option.
 */
final class Sasl {
    static final List<ScramMechanism> SCRAM_MECHANISMS =
            List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256);
    /** What the SASL listeners accept. */
    static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    /** User names that need no quoting in JAAS options or escaping in SCRAM messages. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]+");

    private Sasl() {
    }

    static String requireUserName(String name) {
        if (!USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is letters, digits and . _ @ -, not '" + name + "'");
        }
        return name;
    }

    /** {@code value} for the inside of a double-quoted JAAS option value. */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
