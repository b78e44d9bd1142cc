package dev.interactiondemo.e2e;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the cluster, in this order: an existing one ({@code E2E_KUBECONFIG}); the local single-node cluster of
 * {@code e2e/cluster-up.sh} (Linux, root, Go-built Kubernetes binaries, containerd from Debian); testcontainers' K3s
 * (a Docker engine, and the K3s image: {@code rancher/k3s} already in the engine, nothing pulled; or the image named
 * by {@code E2E_K3S_IMAGE} or {@code -De2e.k3s.image}, e.g. a mirror of rancher/k3s in a registry this machine
 * reaches, pulled when missing). None available: the reason.
 */
final class Clusters {
    /** The K3s image named for this run (system property e2e.k3s.image, else E2E_K3S_IMAGE), or null. */
    static final String K3S_IMAGE_NAMED = Optional.ofNullable(System.getProperty("e2e.k3s.image"))
            .or(() -> Optional.ofNullable(System.getenv("E2E_K3S_IMAGE"))).filter(s -> !s.isBlank()).orElse(null);
    static final String K3S_IMAGE = K3S_IMAGE_NAMED != null ? K3S_IMAGE_NAMED : "rancher/k3s:v1.34.1-k3s1";
    /** The image, under whatever name (a mirror's), as testcontainers' K3sContainer accepts only rancher/k3s. */
    static final DockerImageName K3S = DockerImageName.parse(K3S_IMAGE).asCompatibleSubstituteFor("rancher/k3s");

    private Clusters() {
    }

    /** A cluster, or the reason there is none here. */
    static Object pick() {
        String kubeconfig = System.getenv("E2E_KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return existing(Path.of(kubeconfig));
        }
        String mode = System.getenv().getOrDefault("E2E_CLUSTER", "auto");
        String localWhyNot = localWhyNot();
        if (localWhyNot == null && !mode.equals("k3s")) {
            return local();
        }
        String k3sWhyNot = k3sWhyNot();
        if (k3sWhyNot == null && !mode.equals("local")) {
            return k3s();
        }
        return "no cluster for the end-to-end suite: set E2E_KUBECONFIG to an existing cluster's kubeconfig (with "
                + "the images loaded), or: local cluster: " + localWhyNot + "; K3s: " + k3sWhyNot;
    }

    private static String localWhyNot() {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "needs Linux";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (it runs kubelet and containerd)";
        }
        if (!Files.isExecutable(Shell.repoRoot().resolve("e2e/cluster-up.sh"))) {
            return "e2e/cluster-up.sh missing";
        }
        return null;
    }

    private static String k3sWhyNot() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return "no Docker engine";
            }
            if (K3S_IMAGE_NAMED != null) {
                return null; // named for this run: testcontainers pulls it if the engine does not have it
            }
            boolean present = !DockerClientFactory.instance().client().listImagesCmd()
                    .withImageNameFilter(K3S_IMAGE).exec().isEmpty();
            return present ? null : "the image " + K3S_IMAGE + " is not in the local Docker engine, and no registry is "
                    + "assumed: set E2E_K3S_IMAGE to a rancher/k3s image this machine can pull (e.g. a mirror's)";
        } catch (RuntimeException e) {
            return "no Docker engine (" + e.getMessage() + ")";
        }
    }

    private static Cluster existing(Path kubeconfig) {
        return new Cluster() {
            @Override
            public String describe() {
                return "the existing cluster of " + kubeconfig;
            }

            @Override
            public String kubeconfig() {
                try {
                    return Files.readString(kubeconfig);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read E2E_KUBECONFIG " + kubeconfig, e);
                }
            }

            @Override
            public void loadImages(List<Path> tars) {
                String loader = System.getenv("E2E_LOAD_IMAGES");
                if (loader != null) {
                    tars.forEach(t -> Shell.run("bash", "-c", loader + " " + t));
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private static Cluster local() {
        String path = Shell.run(Map.of(), Duration.ofMinutes(30), "e2e/cluster-up.sh").strip();
        String[] lines = path.split("\n");
        Path kubeconfig = Path.of(lines[lines.length - 1].strip());
        boolean keep = Boolean.parseBoolean(System.getenv().getOrDefault("E2E_KEEP_CLUSTER", "false"));
        return new Cluster() {
            @Override
            public String describe() {
                return "the local single-node cluster (e2e/cluster-up.sh)";
            }

            @Override
            public String kubeconfig() {
                try {
                    return Files.readString(kubeconfig);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void loadImages(List<Path> tars) {
                String[] cmd = new String[tars.size() + 1];
                cmd[0] = "e2e/load-image.sh";
                for (int i = 0; i < tars.size(); i++) {
                    cmd[i + 1] = tars.get(i).toString();
                }
                Shell.run(Map.of(), Duration.ofMinutes(10), cmd);
            }

            @Override
            public void close() {
                if (!keep) {
                    Shell.run(Map.of(), Duration.ofMinutes(5), "e2e/cluster-down.sh");
                }
            }
        };
    }

    @SuppressWarnings("resource")
    private static Cluster k3s() {
        K3sContainer k3s = new K3sContainer(K3S);
        k3s.start();
        return new Cluster() {
            @Override
            public String describe() {
                return "testcontainers K3s (" + K3S_IMAGE + ")";
            }

            @Override
            public String kubeconfig() {
                return k3s.getKubeConfigYaml();
            }

            @Override
            public void loadImages(List<Path> tars) {
                for (Path tar : tars) {
                    String inside = "/tmp/" + tar.getFileName();
                    k3s.copyFileToContainer(MountableFile.forHostPath(tar), inside);
                    try {
                        var result = k3s.execInContainer("ctr", "images", "import", inside);
                        if (result.getExitCode() != 0) {
                            throw new IllegalStateException("ctr images import " + tar + ": " + result.getStderr());
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void close() {
                k3s.stop();
            }
        };
    }
}
