package dev.interactiondemo.operator;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real {@code helm} 3 binary run on the chart in {@code helm/interaction-demo-operator}, and what the tests read
 * from the objects it renders: for the chart's own tests (the helm module's ChartTest and the Chart*Test beside it)
 * and the operator's tests that use the chart (RbacTest, DashboardTest). helm is where the build put it
 * (hack/ensure-helm.sh: the test binaries' directory), else {@code $HELM}, else the PATH.
 */
public final class Helm {
    public static final String RELEASE = "demo-op";
    public static final String RELEASE_NAMESPACE = "interaction-demo-system";
    /** The full name of release {@link #RELEASE}: the name of its objects. */
    public static final String FULLNAME = RELEASE + "-interaction-demo-operator";

    private static Path kubeBinaries;

    private Helm() {
    }

    /** The repository's root directory (the tests get its crds/ directory as the property committed.crds). */
    public static Path repository() {
        return Path.of(System.getProperty("committed.crds")).toAbsolutePath().normalize().getParent();
    }

    /** The chart's directory. */
    public static Path chart() {
        return repository().resolve("helm/interaction-demo-operator");
    }

    /**
     * The directory of the test binaries for the pinned Kubernetes version (kube-apiserver, etcd, kubectl; helm),
     * as {@code hack/kube-binaries.sh --print-dir} names it: the layout is written once, in hack/lib/platform.sh.
     */
    public static synchronized Path kubeBinaries() {
        if (kubeBinaries == null) {
            Result printed = exec(repository().resolve("hack/kube-binaries.sh"), "--print-dir",
                    "--expect-version", KubeApi.pinnedKubeVersion()).orFail();
            kubeBinaries = Path.of(printed.output().strip());
        }
        return kubeBinaries;
    }

    static Path binary() {
        Path pinned = kubeBinaries().resolve("helm");
        if (Files.isExecutable(pinned)) {
            return pinned;
        }
        String env = System.getenv("HELM");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Path.of(env);
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, "helm")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("no helm 3 in " + pinned + ", $HELM or the PATH: run "
                        + "hack/ensure-helm.sh " + KubeApi.pinnedKubeVersion() + " (see docs/chart.md)"));
    }

    /** What a command (helm, kubectl) printed, and its exit status. */
    public record Result(String program, int exitCode, String output) {
        public Result orFail() {
            if (exitCode != 0) {
                throw new AssertionError(program + " failed (" + exitCode + "):\n" + output);
            }
            return this;
        }
    }

    public static Result run(String... args) {
        return exec(binary(), args);
    }

    /** The test binaries' kubectl, as the chart tests use it to hand rendered objects to the API server. */
    public static Result kubectl(String... args) {
        return exec(kubeBinaries().resolve("kubectl"), args);
    }

    private static Result exec(Path binary, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(binary.getFileName() + " did not finish: " + command);
            }
            return new Result(binary.getFileName().toString(), p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code helm template} of the chart as release {@link #RELEASE} in {@link #RELEASE_NAMESPACE}; extra args e.g. --set. */
    public static Result template(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, chart().toString(),
                "--namespace", RELEASE_NAMESPACE));
        args.addAll(Arrays.asList(extraArgs));
        return run(args.toArray(String[]::new));
    }

    /** The objects {@code helm template} renders (CRDs not included), failing the test if it fails. */
    public static List<HasMetadata> render(String... extraArgs) {
        return parse(template(extraArgs).orFail().output());
    }

    /** Arguments followed by more: e.g. a set of {@code --set} values and a few others. */
    public static String[] concat(String[] first, String... more) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(more)).toArray(String[]::new);
    }

    public static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(Serialization.unmarshal(doc, HasMetadata.class));
            }
        }
        return objects;
    }

    public static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A rendered object as {@code Kind/name}. */
    public static String name(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }

    /** The one Deployment among the rendered objects: the operator's. */
    public static Deployment deployment(List<HasMetadata> objects) {
        List<Deployment> deployments = ofKind(objects, Deployment.class);
        assertEquals(1, deployments.size());
        return deployments.get(0);
    }

    /** The operator container's environment variables that have a value (not valueFrom). */
    public static Map<String, String> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /** RBAC rules as "apiGroup/resource:verb" strings, e.g. "apps/deployments:patch", "/pods:list". */
    public static Set<String> permissions(List<PolicyRule> rules) {
        return rules.stream().flatMap(r -> r.getApiGroups().stream().flatMap(g -> r.getResources().stream()
                .flatMap(res -> r.getVerbs().stream().map(v -> g + "/" + res + ":" + v))))
                .collect(Collectors.toSet());
    }
}
