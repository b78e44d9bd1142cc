package dev.interactiondemo.localkafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Who may do what on a secured broker, provisioned through the Admin API: SCRAM users and ACLs, each created through
 * the {@code PLAINTEXT} listener and awaited until the broker enforces it.
 *
 * @param bootstrapServers              the {@code PLAINTEXT} listener's, for the Admin calls
 * @param saslPlaintextBootstrapServers the {@code SASL_PLAINTEXT} listener's, where a new user's login is tried
 */
record BrokerAccess(String bootstrapServers, String saslPlaintextBootstrapServers) {
    /** Kafka's minimum, and enough for a test broker: every SCRAM login costs this many hash rounds. */
    private static final int SCRAM_ITERATIONS = 4096;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** See {@link LocalKafkaBroker#addScramUser}. */
    void addScramUser(String name, String password) {
        Sasl.requireUserName(name);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the SCRAM password of " + name + " is empty");
        }
        try (Admin admin = Admin.create(adminConfig(bootstrapServers))) {
            for (ScramMechanism mechanism : Sasl.SCRAM_MECHANISMS) {
                // One request each: Kafka refuses a request that alters a user twice, even for two mechanisms.
                List<UserScramCredentialAlteration> upsert = List.of(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password));
                admin.alterUserScramCredentials(upsert).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                await("the " + mechanism.mechanismName() + " login of " + name,
                        () -> canLogIn(mechanism, name, password));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM credentials of " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the SCRAM credentials of " + name, e);
        }
    }

    /** See {@link LocalKafkaBroker#allow} and {@link LocalKafkaBroker#deny}. */
    void createAcls(AclPermissionType permission, String principal, ResourceType type, String name,
                    AclOperation... operations) {
        if (principal.indexOf(':') <= 0 || principal.endsWith(":")) {
            throw new IllegalArgumentException("a principal is type:name, e.g. User:alice, not " + principal);
        }
        if (operations.length == 0) {
            throw new IllegalArgumentException("an ACL for " + principal + " needs at least one operation");
        }
        ResourcePattern resource = new ResourcePattern(type, name, PatternType.LITERAL);
        List<AclBinding> bindings = Arrays.stream(operations)
                .map(operation -> new AclBinding(resource,
                        new AccessControlEntry(principal, "*", operation, permission)))
                .toList();
        AclBindingFilter filter = new AclBindingFilter(resource.toFilter(), AccessControlEntryFilter.ANY);
        try (Admin admin = Admin.create(adminConfig(bootstrapServers))) {
            admin.createAcls(bindings).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            await("the ACLs " + bindings, () -> admin.describeAcls(filter).values()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).containsAll(bindings));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the ACLs " + bindings, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the ACLs " + bindings, e);
        }
    }

    /**
     * Whether {@code user} logs in with {@code mechanism} on the SASL_PLAINTEXT listener. Denied by the ACLs is
     * logged in: authorization comes after authentication.
     */
    private boolean canLogIn(ScramMechanism mechanism, String user, String password) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(adminConfig(saslPlaintextBootstrapServers));
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, LocalKafkaBroker.SASL_PLAINTEXT);
        config.put(SaslConfigs.SASL_MECHANISM, mechanism.mechanismName());
        config.put(SaslConfigs.SASL_JAAS_CONFIG, Sasl.SCRAM_LOGIN_MODULE + " required username=\"" + user
                + "\" password=\"" + Sasl.jaasQuoted(password) + "\";");
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                return false;
            }
            if (e.getCause() instanceof AuthorizationException) {
                return true;
            }
            throw new IllegalStateException("cannot check the " + mechanism.mechanismName() + " login of " + user, e);
        } catch (TimeoutException e) {
            return false;
        }
    }

    private static Map<String, Object> adminConfig(String bootstrapServers) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    }

    /** Polls {@code condition} every 200 ms until it holds; an {@link IllegalStateException} after 30 s. */
    private static void await(String what, Condition condition) throws InterruptedException, ExecutionException,
            TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not take effect within " + ADMIN_TIMEOUT);
            }
            Thread.sleep(200);
        }
    }

    /** A condition {@link #await} polls. */
    private interface Condition {
        boolean holds() throws InterruptedException, ExecutionException, TimeoutException;
    }
}
