package dev.interactiondemo.bench;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operator at scale, against a real kube-apiserver and etcd (fabric8 kube-api-test, the operator tests' binaries)
 * and a real Kafka broker: the time until N InteractionDemos (Direct topic management) all have their dependents
 * (Greeter Deployment and Service, Host and Worker Deployments, the topic) and a written status, divided by the time
 * the same client takes to create the same objects itself (the API server's floor, {@link DirectClientFloor}); the
 * operator's heap and RSS at each N; its start-up time to the first reconcile. Then two cases of their own:
 * {@link SilentKafkaCase} (a healthy demo's status age beside 60 demos on a Kafka that never answers) and
 * {@link MixedModeCase} (API requests with half the demos in Strimzi mode). What they share is {@link OperatorRig}.
 */
final class OperatorBench {
    private final BenchContext ctx;
    private final Report report;
    private final Map<String, Object> json;
    private KubernetesClient client;
    private BenchBroker broker;
    private OperatorRig rig;

    OperatorBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
        this.json = report.section("operator");
        json.put("javaOptions", ctx.operatorJavaOptions());
        json.put("environment", ctx.operatorEnvironment());
    }

    void run() {
        KubeAPIServer api = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(ctx.kubeVersion()).withTestDir(kubeApiTestDir().toString())
                .withOfflineMode(true).build());
        long apiStart = System.nanoTime();
        Thread stopApi = new Thread(api::stop, "kube-api-stop");
        Runtime.getRuntime().addShutdownHook(stopApi);
        api.start();
        Log.info("kube-apiserver %s up in %.1f s", ctx.kubeVersion(), (System.nanoTime() - apiStart) / 1e9);
        try {
            Path kubeconfig = Files.writeString(ctx.work().resolve("kubeconfig.yaml"), api.getKubeConfigYaml());
            client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(api.getKubeConfigYaml())).build();
            installCrd();
            broker = BenchBroker.start(ctx.work(), ctx.classPath());
            int greeterPort = Procs.freePort();
            try (Procs.Child greeter = Procs.start("operator-greeter", List.of(Procs.java(), "-jar",
                    ctx.greeterJar().toString(), "--port", Integer.toString(greeterPort), "--metrics-port",
                    Integer.toString(Procs.freePort())), null, ctx.logs(), Map.of("LOG_FORMAT", "text"))) {
                Procs.awaitPort(greeter, greeterPort, Duration.ofSeconds(60));
                rig = new OperatorRig(ctx, client, broker, kubeconfig, greeterPort);
                startup();
                List<String> failed = new ArrayList<>();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int n : scales()) {
                    rows.add(scaleOrFailure(n, failed));
                }
                json.put("scales", rows);
                markdown(rows);
                runCase("silentKafka", () -> new SilentKafkaCase(rig, report).run(), failed);
                runCase("mixedModes", () -> new MixedModeCase(rig, report).run(), failed);
                if (!failed.isEmpty()) {
                    throw new IllegalStateException("operator cases failed: " + failed);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (client != null) {
                client.close();
            }
            api.stop();
            Runtime.getRuntime().removeShutdownHook(stopApi);
        }
    }

    /**
     * A kube-api-test directory for this run: links to the binaries the operator's tests use (the directory
     * {@code hack/kube-binaries.sh --print-dir} names: ~/.kubeapitest/k8s/VERSION-OS-ARCH, see
     * docs/kube-binaries.md), except that kube-apiserver is a wrapper widening the Service IP range kube-api-test
     * sets (10.0.0.0/24: 254 Services, fewer than 500 demos have) to a /16.
     */
    private Path kubeApiTestDir() {
        Path real = kubeBinariesDir();
        String platform = real.getFileName().toString();
        if (!Files.isExecutable(real.resolve("kube-apiserver")) || !Files.isExecutable(real.resolve("etcd"))) {
            throw new IllegalStateException("no kube-apiserver and etcd in " + real + ": run hack/kube-binaries.sh "
                    + "(see docs/kube-binaries.md), or ./mvnw -pl operator verify once");
        }
        Path dir = ctx.work().resolve("kubeapitest");
        Path bin = dir.resolve("k8s").resolve(platform);
        try {
            Files.createDirectories(bin);
            for (String b : List.of("etcd", "kubectl")) {
                if (Files.exists(real.resolve(b)) && !Files.exists(bin.resolve(b))) {
                    Files.createSymbolicLink(bin.resolve(b), real.resolve(b));
                }
            }
            Path wrapper = bin.resolve("kube-apiserver");
            Files.writeString(wrapper, """
                    #!/usr/bin/env bash
                    # kube-api-test's kube-apiserver with room for more than 254 Services.
                    args=()
                    for a in "$@"; do [[ $a == 10.0.0.0/24 ]] && a=10.0.0.0/16; args+=("$a"); done
                    exec %s "${args[@]}"
                    """.formatted(real.resolve("kube-apiserver")));
            wrapper.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * Where the Kubernetes binaries of {@code ctx.kubeVersion()} are, as hack/kube-binaries.sh (through
     * hack/lib/platform.sh, which holds the layout and the platform names) says; it needs no Go for this.
     */
    private Path kubeBinariesDir() {
        List<String> cmd = List.of("bash", ctx.repo().resolve("hack/kube-binaries.sh").toString(), "--print-dir",
                "--expect-version", ctx.kubeVersion());
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit "
                        + (p.isAlive() ? "none" : p.exitValue()) + "): " + out);
            }
            return Path.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    /**
     * One case after the scales; a case that fails is recorded in the JSON ({@code "failed"}) and in {@code failed},
     * and the next case still runs.
     */
    private void runCase(String name, Supplier<Map<String, Object>> run, List<String> failed) {
        try {
            json.put(name, run.get());
        } catch (RuntimeException e) {
            Log.info("operator case %s failed: %s", name, e);
            e.printStackTrace();
            json.put(name, Map.of("failed", String.valueOf(e.getMessage())));
            failed.add(name + ": " + e.getMessage());
        }
    }

    /**
     * One scale's row; a scale that fails is recorded as its row ({@code "failed"}) and in {@code failed}, and the
     * next scale and the cases still run.
     */
    private Map<String, Object> scaleOrFailure(int n, List<String> failed) {
        try {
            return scale(n);
        } catch (IOException | RuntimeException e) {
            Log.info("operator scale N = %d failed: %s", n, e);
            e.printStackTrace();
            failed.add("N = " + n + ": " + e.getMessage());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("n", n);
            row.put("failed", String.valueOf(e.getMessage()));
            return row;
        }
    }

    private List<Integer> scales() {
        return ctx.operatorScales() == null ? ctx.mode().operatorScales() : ctx.operatorScales();
    }

    /**
     * The InteractionDemo and InteractionLesson CRDs from crds/, and the operator tests' stand-in for Strimzi's KafkaTopic CRD: the
     * Strimzi-mode demos of {@link MixedModeCase} need it, and with it the operator runs its KafkaTopic informer in
     * every case, as in a cluster with Strimzi. (At the first measured commit, every reconcile failed without it,
     * Direct mode included; see docs/benchmarks.md.)
     */
    private void installCrd() throws IOException {
        install(ctx.repo().resolve("crds/interactiondemos.interactiondemo.dev-v1.yml"));
        // The operator reconciles lessons too: without their CRD its lesson controller never starts, nor /readyz.
        install(ctx.repo().resolve("crds/interactionlessons.interactiondemo.dev-v1.yml"));
        install(ctx.repo().resolve("operator/src/test/resources/strimzi/kafkatopics-crd.yaml"));
    }

    private void install(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType())
                            && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
        }
    }

    /** Start-up: an InteractionDemo exists; how long from launching the operator to its first dependent and status. */
    private void startup() {
        String ns = "startup";
        rig.namespace(ns);
        client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns).resource(rig.demo(ns, "first")).create();
        int http = Procs.freePort();
        double readyS = Double.NaN;
        double firstDependentS = Double.NaN;
        double firstStatusS = Double.NaN;
        try (Procs.Child op = rig.startOperator("operator-startup", ns, http, ctx.jfr(), Map.of())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && (Double.isNaN(readyS) || Double.isNaN(firstDependentS)
                    || Double.isNaN(firstStatusS))) {
                op.requireAlive();
                double t = (System.nanoTime() - op.startNanos()) / 1e9;
                if (Double.isNaN(readyS) && Prom.status(http, "/readyz") == 200) {
                    readyS = t;
                }
                if (Double.isNaN(firstDependentS)
                        && client.apps().deployments().inNamespace(ns).withName("first-greeter").get() != null) {
                    firstDependentS = t;
                }
                if (Double.isNaN(firstStatusS)) {
                    GenericKubernetesResource d = client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns)
                            .withName("first").get();
                    if (d != null && d.getAdditionalProperties().get("status") != null) {
                        firstStatusS = t;
                    }
                }
                Procs.sleep(20);
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("toReadyzSeconds", Report.round(readyS, 3));
        s.put("toFirstDependentSeconds", Report.round(firstDependentS, 3));
        s.put("toFirstStatusSeconds", Report.round(firstStatusS, 3));
        json.put("startup", s);
        Log.info("operator start-up: /readyz %.2f s, first dependent %.2f s, first status %.2f s", readyS,
                firstDependentS, firstStatusS);
    }

    private Map<String, Object> scale(int n) throws IOException {
        String ns = "op-" + n;
        rig.namespace(ns);
        int http = Procs.freePort();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("n", n);
        DirectClientFloor.OperatorObjects made;
        boolean profile = ctx.jfr() && n == scales().get(scales().size() - 1);
        try (Procs.Child op = rig.startOperator("operator-" + n, ns, http, false, Map.of());
             Tracker tracker = new Tracker(client, ns)) {
            OperatorRig.awaitReady(op, http);
            row.put("operatorReadySeconds", Report.round((System.nanoTime() - op.startNanos()) / 1e9, 3));
            Procs.sleep(2000);
            row.put("idleRssMiB", Report.round(op.rssMiB(), 1));
            Cpu.Machine machine = Cpu.Machine.now();
            Map<String, Double> requestsBefore = rig.apiRequests();
            long opCpu = Cpu.process(op.pid());
            if (profile) {
                // Only the burst: from the first InteractionDemo created to the last one done.
                jcmd(op.pid(), "JFR.start", "name=burst", "settings=profile");
            }
            long t0 = System.nanoTime();
            tracker.start = t0;
            OperatorRig.parallel(n, i -> client.genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns)
                    .resource(rig.demo(ns, OperatorRig.demoName(i))).create());
            double createdS = (System.nanoTime() - t0) / 1e9;
            tracker.awaitAll(n, op, Duration.ofMinutes(15));
            double operatorS = (tracker.last() - t0) / 1e9;
            if (profile) {
                jcmd(op.pid(), "JFR.stop", "name=burst",
                        "filename=" + ctx.work().resolve("jfr").resolve("operator-" + n + "-burst.jfr"));
            }
            row.put("operatorSeconds", Report.round(operatorS, 3));
            row.put("customResourcesCreatedSeconds", Report.round(createdS, 3));
            row.put("perDemoP50Seconds", Report.round(tracker.percentile(0.5), 3));
            row.put("perDemoP99Seconds", Report.round(tracker.percentile(0.99), 3));
            row.put("operatorCpuSeconds", Report.round((Cpu.process(op.pid()) - opCpu) / Cpu.TICKS_PER_SECOND, 2));
            row.put("machineIdle", Report.round(Cpu.Machine.now().idleSince(machine), 3));
            row.put("apiRequests", OperatorRig.requestsBetween(requestsBefore, rig.apiRequests()));
            Log.info("N=%d: operator done in %.2f s (custom resources created in %.2f s)", n, operatorS, createdS);
            // Steady state: statuses refreshed every STATUS_INTERVAL (10 s).
            long cpu0 = Cpu.process(op.pid());
            long w0 = System.nanoTime();
            Procs.sleep(ctx.mode().operatorSteadySeconds() * 1000L);
            row.put("steadyCores", Report.round((Cpu.process(op.pid()) - cpu0) / 100.0 / ((System.nanoTime() - w0) / 1e9), 3));
            String metrics = Prom.get(http, "/metrics");
            Files.writeString(ctx.logs().resolve("operator-" + n + "-metrics.txt"), metrics);
            Prom m = Prom.scrape(http);
            row.put("reconciliations", (long) m.sum("operator_sdk_reconciliations_started_total"));
            row.put("heapUsedMiB", Report.round(m.sum("jvm_memory_used_bytes", "area=\"heap\"") / 1048576.0, 1));
            gc(op.pid());
            Procs.sleep(1000);
            m = Prom.scrape(http);
            row.put("heapAfterGcMiB", Report.round(m.sum("jvm_memory_used_bytes", "area=\"heap\"") / 1048576.0, 1));
            row.put("rssMiB", Report.round(op.rssMiB(), 1));
            row.put("peakRssMiB", Report.round(op.peakRssMiB(), 1));
            row.put("threads", (int) m.sum("jvm_threads_live_threads"));
            row.put("metricsScrapeBytes", metrics.length());
            if (profile) {
                jcmd(op.pid(), "GC.class_histogram"); // after a full GC: the live set
                jcmd(op.pid(), "VM.native_memory", "summary");
            }
            made = DirectClientFloor.OperatorObjects.read(client, ns);
        }
        DirectClientFloor.Result floor = DirectClientFloor.run(rig, "floor-" + n, n,
                (floorNs, i) -> rig.demo(floorNs, OperatorRig.demoName(i)), made);
        double floorS = floor.seconds();
        row.put("floorSeconds", Report.round(floorS, 3));
        row.put("floorMachineIdle", Report.round(floor.machineIdle(), 3));
        row.put("floorApiRequests", floor.requests());
        double operatorS = (double) row.get("operatorSeconds");
        row.put("ratio", Report.round(operatorS / floorS, 2));
        report.ratio("operator", "time to N demos with dependents + status, N=" + n + " (operator / direct client)",
                operatorS, floorS, "s", "lower", "the operator's time over the same client creating the same objects");
        Log.info("N=%d: floor %.2f s, ratio %.1f; heap after GC %s MiB, RSS %s MiB", n, floorS, operatorS / floorS,
                row.get("heapAfterGcMiB"), row.get("rssMiB"));
        return row;
    }

    private void gc(long pid) {
        jcmd(pid, "GC.run");
    }

    /** Runs jcmd on {@code pid}; its output goes to logs/jcmd-PID-COMMAND.txt. */
    void jcmd(long pid, String... command) {
        String out = jcmdOutput(pid, command);
        try {
            Files.writeString(ctx.logs().resolve("jcmd-" + pid + "-" + command[0] + ".txt"), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String jcmdOutput(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                Log.info("jcmd %s failed: %s", String.join(" ", command), out);
            }
            return out;
        } catch (IOException e) {
            Log.info("jcmd %s failed: %s", String.join(" ", command), e);
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String pct(Object fraction) {
        return fraction instanceof Number n ? Math.round(n.doubleValue() * 100) + " %" : "?";
    }

    private void markdown(List<Map<String, Object>> rows) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) json.get("startup");
        StringBuilder sb = new StringBuilder("## The operator at scale\n\n");
        sb.append(String.format(Locale.ROOT, "Start-up (one InteractionDemo already there): /readyz after %s s, "
                + "first dependent after %s s, first status after %s s.%n%n", s.get("toReadyzSeconds"),
                s.get("toFirstDependentSeconds"), s.get("toFirstStatusSeconds")));
        sb.append("| N | operator (s) | floor: same client, same objects (s) | ratio | per-demo p50 / p99 (s) "
                + "| API requests, operator / floor | machine idle, operator / floor | reconciles "
                + "| heap used / after GC (MiB) | RSS / peak RSS (MiB) | steady CPU (cores) | threads |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            if (r.containsKey("failed")) {
                sb.append(String.format(Locale.ROOT, "| %s | failed: %s |||||||||||%n", r.get("n"),
                        String.valueOf(r.get("failed")).replace('|', '/').replace('\n', ' ')));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | **%s** | %s / %s | %s / %s | %s / %s | %s | %s / %s "
                            + "| %s / %s | %s | %s |%n",
                    r.get("n"), r.get("operatorSeconds"), r.get("floorSeconds"), r.get("ratio"),
                    r.get("perDemoP50Seconds"), r.get("perDemoP99Seconds"),
                    ((Map<?, ?>) r.get("apiRequests")).get("total"), ((Map<?, ?>) r.get("floorApiRequests")).get("total"),
                    pct(r.get("machineIdle")), pct(r.get("floorMachineIdle")), r.get("reconciliations"),
                    r.get("heapUsedMiB"), r.get("heapAfterGcMiB"), r.get("rssMiB"), r.get("peakRssMiB"),
                    r.get("steadyCores"), r.get("threads")));
        }
        sb.append("\nThe operator runs with " + String.join(" ", ctx.operatorJavaOptions()) + " (the chart's JVM "
                + "options unless the run gave others) and " + ctx.operatorEnvironment() + " (the chart's); "
                + "heap after GC is the live set after a forced full GC; steady CPU is its use over the next seconds, "
                + "while it refreshes every status each 10 s.\n");
        report.markdown(sb.toString());
    }
}
