package dev.interactiondemo.api.spec;

/** Schema patterns for the Secrets a demo names. */
final class SecretNames {
    /** A Secret's name: a DNS-1123 subdomain. */
    static final String SECRET = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A key in a Secret's data. */
    static final String KEY = "^[-._a-zA-Z0-9]+$";

    private SecretNames() {
    }
}
