package dev.interactiondemo.bench;

import dev.interactiondemo.api.InteractionDemo;
import dev.interactiondemo.operator.config.OperatorConfig;
import dev.interactiondemo.operator.dependents.GreeterDeployment;
import dev.interactiondemo.operator.dependents.HostDeployment;
import dev.interactiondemo.operator.dependents.WorkerDeployment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Greeter's, the Host's and the Worker's containers as the operator's own Deployment dependents write them for a
 * demo of the defaults, and the JVM options their images start with (the root pom's Jib {@code jvmFlags}): so that
 * the footprint case runs each part as its pod runs it.
 */
final class PartTemplates {
    /** Where Jib's JVM options for every image are. */
    static final String POM = "pom.xml";
    private static final Pattern JVM_FLAG = Pattern.compile("<jvmFlag>\\s*([^<]+?)\\s*</jvmFlag>");

    /**
     * One part's container.
     *
     * @param env         its environment variables with a value (those taken from the pod, e.g. its name, are left out)
     * @param memoryRequest its memory request in bytes: what the scheduler sets aside for it on a node
     * @param memoryLimit   its memory limit in bytes; the JVM sizes its heap from it, as in the container
     * @param cpuLimit      its CPU limit in cores
     */
    record Part(String name, Map<String, String> env, long memoryRequest, long memoryLimit, double cpuLimit) {
    }

    private PartTemplates() {
    }

    /** The Greeter, the Host and the Worker of a Direct-mode demo of the defaults on {@code bootstrap}. */
    static List<Part> ofDefaultDemo(String bootstrap) {
        OperatorConfig config = OperatorConfig.from(new String[0], Map.of());
        InteractionDemo demo = Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: footprint
                  namespace: bench
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic:
                      management: Direct
                """.formatted(bootstrap), InteractionDemo.class);
        return List.of(part("greeter", new Greeter(config).of(demo)), part("host", new Host(config).of(demo)),
                part("worker", new Worker(config).of(demo)));
    }

    /** The images' JVM options, from the root pom's Jib configuration. */
    static List<String> imageJvmFlags(Path repo) {
        try {
            Matcher m = JVM_FLAG.matcher(Files.readString(repo.resolve(POM)));
            List<String> flags = new ArrayList<>();
            while (m.find()) {
                flags.add(m.group(1));
            }
            if (flags.isEmpty()) {
                throw new IllegalStateException("no <jvmFlag> in " + POM);
            }
            return List.copyOf(flags);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + POM, e);
        }
    }

    private static Part part(String name, Deployment d) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar v : c.getEnv()) {
            if (v.getValue() != null) {
                env.put(v.getName(), v.getValue());
            }
        }
        Map<String, Quantity> limits = c.getResources().getLimits();
        return new Part(name, env, Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")).longValue(),
                Quantity.getAmountInBytes(limits.get("memory")).longValue(),
                limits.containsKey("cpu") ? Quantity.getAmountInBytes(limits.get("cpu")).doubleValue() : Double.NaN);
    }

    /** The dependents' {@code desired}, as the operator calls it (the context is not read). */
    private static final class Greeter extends GreeterDeployment {
        Greeter(OperatorConfig config) {
            super(config);
        }

        Deployment of(InteractionDemo demo) {
            return desired(demo, null);
        }
    }

    private static final class Host extends HostDeployment {
        Host(OperatorConfig config) {
            super(config);
        }

        Deployment of(InteractionDemo demo) {
            return desired(demo, null);
        }
    }

    private static final class Worker extends WorkerDeployment {
        Worker(OperatorConfig config) {
            super(config);
        }

        Deployment of(InteractionDemo demo) {
            return desired(demo, null);
        }
    }
}
