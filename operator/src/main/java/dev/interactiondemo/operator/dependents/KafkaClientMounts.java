package dev.interactiondemo.operator.dependents;

import dev.interactiondemo.api.spec.CertSecretSource;
import dev.interactiondemo.operator.kafka.DemoKafkaAccess;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

import java.util.ArrayList;
import java.util.List;

import static dev.interactiondemo.operator.dependents.PodTemplates.env;

/**
 * How the Host and the Worker get the demo's Kafka security: the Secrets mounted read-only (files readable by the
 * pod's group only), and variables that say where the files are. No secret is ever in a variable: the notifier reads
 * the password and the key from the files. A trusted certificate or a client certificate mounts only its own keys;
 * a {@code pattern} mounts its Secret whole, and the notifier picks the matching files.
 *
 * @param variables the variables ({@code KAFKA_TLS}, {@code KAFKA_SASL_MECHANISM}, ... {@code *_FILE} paths)
 * @param volumes the Secret volumes
 * @param mounts  where the container mounts them
 */
record KafkaClientMounts(List<EnvVar> variables, List<Volume> volumes, List<VolumeMount> mounts) {
    static final String ROOT = "/etc/interaction-demo/kafka";
    private static final int READ_BY_GROUP = 0440;

    static KafkaClientMounts of(DemoKafkaAccess access) {
        List<EnvVar> env = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        if (!access.secured()) {
            return new KafkaClientMounts(env, volumes, mounts);
        }
        env.add(env("KAFKA_TLS", access.tls()));
        List<String> trusted = new ArrayList<>();
        for (int i = 0; i < access.trusted().size(); i++) {
            CertSecretSource source = access.trusted().get(i);
            String name = "kafka-trust-" + i;
            String dir = ROOT + "/trust-" + i;
            if (source.getCertificate() != null) {
                volumes.add(secret(name, source.getSecretName(), List.of(new KeyToPath(source.getCertificate(), null,
                        "ca.crt"))));
                trusted.add(dir + "/ca.crt");
            } else {
                volumes.add(secret(name, source.getSecretName(), null));
                trusted.add(dir + "/" + source.getPattern());
            }
            mounts.add(mount(name, dir));
        }
        if (!trusted.isEmpty()) {
            env.add(env("KAFKA_TLS_TRUSTED_CERTIFICATES", String.join(",", trusted)));
        }
        if (access.type() != null && access.type().saslMechanism() != null) {
            env.add(env("KAFKA_SASL_MECHANISM", access.type().saslMechanism()));
            env.add(env("KAFKA_SASL_USERNAME", access.username()));
            volumes.add(secret("kafka-password", access.password().getSecretName(), List.of(new KeyToPath(
                    access.password().getPassword(), null, "password"))));
            mounts.add(mount("kafka-password", ROOT + "/password"));
            env.add(env("KAFKA_SASL_PASSWORD_FILE", ROOT + "/password/password"));
        }
        if (access.certificateAndKey() != null) {
            var ck = access.certificateAndKey();
            volumes.add(secret("kafka-client-certificate", ck.getSecretName(), List.of(
                    new KeyToPath(ck.getCertificate(), null, "tls.crt"), new KeyToPath(ck.getKey(), null, "tls.key"))));
            mounts.add(mount("kafka-client-certificate", ROOT + "/client"));
            env.add(env("KAFKA_TLS_CERTIFICATE_FILE", ROOT + "/client/tls.crt"));
            env.add(env("KAFKA_TLS_KEY_FILE", ROOT + "/client/tls.key"));
        }
        return new KafkaClientMounts(env, volumes, mounts);
    }

    private static Volume secret(String name, String secretName, List<KeyToPath> items) {
        return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secretName).withItems(items)
                .withDefaultMode(READ_BY_GROUP).endSecret().build();
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(true).build();
    }
}
