package dev.interactiondemo.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code helm} 3 binary run on the chart in {@code helm/interaction-demo-operator}: where the build put it
 * (hack/ensure-helm.sh: kube-api-test's directory for the pinned Kubernetes version), else {@code $HELM}, else the
 * PATH.
 */
final class Helm {
    static final String RELEASE = "demo-op";
    static final String RELEASE_NAMESPACE = "interaction-demo-system";

    private Helm() {
    }

    /** The chart's directory. */
    static Path chart() {
        return Path.of(System.getProperty("committed.crds")).toAbsolutePath().normalize().getParent()
                .resolve("helm/interaction-demo-operator");
    }

    /** kube-api-test's directory of binaries for the pinned Kubernetes version (kube-apiserver, etcd, kubectl). */
    static Path kubeBinaries() {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = switch (System.getProperty("os.arch")) {
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            default -> "amd64";
        };
        String base = Optional.ofNullable(System.getenv("KUBE_API_TEST_DIR"))
                .orElse(System.getProperty("user.home") + "/.kubeapitest");
        return Path.of(base, "k8s", KubeApi.pinnedKubeVersion() + "-" + os + "-" + arch);
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

    /** What a helm command printed, and its exit status. */
    record Result(int exitCode, String output) {
        Result orFail() {
            if (exitCode != 0) {
                throw new AssertionError("helm failed (" + exitCode + "):\n" + output);
            }
            return this;
        }
    }

    static Result run(String... args) {
        return exec(binary(), args);
    }

    /** The test binaries' kubectl, as the chart tests use it to hand rendered objects to the API server. */
    static Result kubectl(String... args) {
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
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code helm template} of the chart as release {@link #RELEASE} in {@link #RELEASE_NAMESPACE}; extra args e.g. --set. */
    static Result template(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, chart().toString(),
                "--namespace", RELEASE_NAMESPACE));
        args.addAll(Arrays.asList(extraArgs));
        return run(args.toArray(String[]::new));
    }

    /** The objects {@code helm template} renders (CRDs not included), failing the test if it fails. */
    static List<HasMetadata> render(String... extraArgs) {
        return parse(template(extraArgs).orFail().output());
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(Serialization.unmarshal(doc, HasMetadata.class));
            }
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
