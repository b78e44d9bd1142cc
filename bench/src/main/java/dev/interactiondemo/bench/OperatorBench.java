package dev.interactiondemo.bench;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.apache.kafka.clients.admin.NewTopic;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator at scale, against a real kube-apiserver and etcd (fabric8 kube-api-test, the operator tests' binaries)
 * and a real Kafka broker: the time until N InteractionDemos (Direct topic management) all have their dependents
 * (Greeter Deployment and Service, Host and Worker Deployments, the topic) and a written status, divided by the time
 * the same client takes to create the same objects itself (the API server's floor); the operator's heap and RSS at
 * each N; its start-up time to the first reconcile.
 */
final class OperatorBench {
    private static final ResourceDefinitionContext IDEMO = new ResourceDefinitionContext.Builder()
            .withGroup("interactiondemo.dev").withVersion("v1alpha1").withKind("InteractionDemo")
            .withPlural("interactiondemos").withNamespaced(true).build();
    /** Client threads creating objects, for the operator run and the floor alike. */
    private static final int CLIENT_THREADS = 16;
    /** The operator container's heap: the chart's default (values.yaml: heap 384m, within a 768Mi limit). */
    static final String OPERATOR_HEAP = "-Xmx384m";

    private final BenchContext ctx;
    private final Report report;
    private final Map<String, Object> json;
    private KubernetesClient client;
    private BenchBroker broker;
    private Path kubeconfig;
    private int greeterPort;

    OperatorBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
        this.json = report.section("operator");
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
            kubeconfig = Files.writeString(ctx.work().resolve("kubeconfig.yaml"), api.getKubeConfigYaml());
            client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(api.getKubeConfigYaml())).build();
            installCrd();
            broker = BenchBroker.start(ctx.work(), ctx.classPath());
            greeterPort = Procs.freePort();
            try (Procs.Child greeter = Procs.start("operator-greeter", List.of(Procs.java(), "-jar",
                    ctx.greeterJar().toString(), "--port", Integer.toString(greeterPort), "--metrics-port",
                    Integer.toString(Procs.freePort())), null, ctx.logs(), Map.of("LOG_FORMAT", "text"))) {
                Procs.awaitPort(greeter, greeterPort, Duration.ofSeconds(60));
                startup();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int n : scales()) {
                    rows.add(scale(n));
                }
                json.put("scales", rows);
                markdown(rows);
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
     * The InteractionDemo CRD from crds/, and the operator tests' stand-in for Strimzi's KafkaTopic CRD: without a
     * KafkaTopic API, every reconcile of this operator build fails, Direct-mode demos included (java-operator-sdk
     * builds the KafkaTopic informer to evaluate its activation condition); see docs/benchmarks.md.
     */
    private List<Integer> scales() {
        return ctx.operatorScales() == null ? ctx.mode().operatorScales() : ctx.operatorScales();
    }

    private void installCrd() throws IOException {
        install(ctx.repo().resolve("crds/interactiondemos.interactiondemo.dev-v1.yml"));
        install(ctx.repo().resolve("operator/src/test/resources/strimzi/kafkatopics-crd.yaml"));
    }

    private void install(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions()
                            .stream().anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                            60, TimeUnit.SECONDS);
        }
    }

    private void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .serverSideApply();
    }

    private GenericKubernetesResource demo(String ns, String name) {
        return Serialization.unmarshal("""
                apiVersion: interactiondemo.dev/v1alpha1
                kind: InteractionDemo
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  kafka:
                    bootstrapServers: %s
                    topic:
                      name: %s-%s
                      management: Direct
                      partitions: 1
                """.formatted(name, ns, broker.bootstrap, ns, name), GenericKubernetesResource.class);
    }

    private Procs.Child startOperator(String name, String namespace, int httpPort, boolean profile) {
        List<String> cmd = new ArrayList<>(List.of(Procs.java(), OPERATOR_HEAP, "-XX:+ExitOnOutOfMemoryError"));
        if (profile) {
            cmd.add(ctx.jfrOption(name));
        }
        if (ctx.jfr()) {
            cmd.add("-XX:NativeMemoryTracking=summary"); // what the RSS is made of: jcmd VM.native_memory
        }
        cmd.addAll(List.of("-cp", ctx.classPath(), OperatorLauncher.class.getName()));
        return Procs.start(name, cmd, null, ctx.logs(), Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "WATCH_NAMESPACES", namespace,
                "OPERATOR_HTTP_PORT", Integer.toString(httpPort),
                "BENCH_GREETER_PORT", Integer.toString(greeterPort),
                "GREETER_IMAGE", "example.org/greeter:bench",
                "NOTIFIER_IMAGE", "example.org/notifier:bench",
                "LOG_FORMAT", "text"));
    }

    /** Start-up: an InteractionDemo exists; how long from launching the operator to its first dependent and status. */
    private void startup() {
        String ns = "startup";
        namespace(ns);
        client.genericKubernetesResources(IDEMO).inNamespace(ns).resource(demo(ns, "first")).create();
        int http = Procs.freePort();
        double readyS = Double.NaN;
        double firstDependentS = Double.NaN;
        double firstStatusS = Double.NaN;
        try (Procs.Child op = startOperator("operator-startup", ns, http, ctx.jfr())) {
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
                    GenericKubernetesResource d = client.genericKubernetesResources(IDEMO).inNamespace(ns)
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
        namespace(ns);
        int http = Procs.freePort();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("n", n);
        Map<String, GenericKubernetesResource> demos = new LinkedHashMap<>();
        Map<String, Map<String, HasMetadata>> dependents = new LinkedHashMap<>();
        boolean profile = ctx.jfr() && n == scales().get(scales().size() - 1);
        try (Procs.Child op = startOperator("operator-" + n, ns, http, false);
             Tracker tracker = new Tracker(client, ns)) {
            awaitReady(op, http);
            row.put("operatorReadySeconds", Report.round((System.nanoTime() - op.startNanos()) / 1e9, 3));
            Procs.sleep(2000);
            row.put("idleRssMiB", Report.round(op.rssMiB(), 1));
            Cpu.Machine machine = Cpu.Machine.now();
            Map<String, Double> requestsBefore = apiRequests();
            long opCpu = Cpu.process(op.pid());
            if (profile) {
                // Only the burst: from the first InteractionDemo created to the last one done.
                jcmd(op.pid(), "JFR.start", "name=burst", "settings=profile");
            }
            long t0 = System.nanoTime();
            tracker.start = t0;
            parallel(n, i -> client.genericKubernetesResources(IDEMO).inNamespace(ns).resource(demo(ns, "demo-" + i))
                    .create());
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
            row.put("apiRequests", requestsBetween(requestsBefore, apiRequests()));
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
            for (GenericKubernetesResource d : client.genericKubernetesResources(IDEMO).inNamespace(ns).list().getItems()) {
                demos.put(d.getMetadata().getName(), d);
            }
            for (Deployment d : client.apps().deployments().inNamespace(ns).list().getItems()) {
                dependents.computeIfAbsent(owner(d), k -> new LinkedHashMap<>()).put(d.getMetadata().getName(), d);
            }
            for (Service s : client.services().inNamespace(ns).list().getItems()) {
                dependents.computeIfAbsent(owner(s), k -> new LinkedHashMap<>()).put(s.getMetadata().getName() + "-svc", s);
            }
        }
        double floorS = floor(n, demos, dependents);
        row.put("floorSeconds", Report.round(floorS, 3));
        row.put("floorMachineIdle", Report.round(floorIdle, 3));
        row.put("floorApiRequests", floorRequests);
        double operatorS = (double) row.get("operatorSeconds");
        row.put("ratio", Report.round(operatorS / floorS, 2));
        report.ratio("operator", "time to N demos with dependents + status, N=" + n + " (operator / direct client)",
                operatorS, floorS, "s", "lower", "the operator's time over the same client creating the same objects");
        Log.info("N=%d: floor %.2f s, ratio %.1f; heap after GC %s MiB, RSS %s MiB", n, floorS, operatorS / floorS,
                row.get("heapAfterGcMiB"), row.get("rssMiB"));
        return row;
    }

    /**
     * The floor: the same client creates what the operator created for N demos (the InteractionDemo, the two
     * Deployments the operator makes first, the Service, the topic through the Admin API, the Host Deployment, the
     * status), each demo's objects in order, the demos in parallel.
     */
    private double floor(int n, Map<String, GenericKubernetesResource> demos,
                         Map<String, Map<String, HasMetadata>> dependents) {
        String ns = "floor-" + n;
        namespace(ns);
        Map<String, Double> requestsBefore = apiRequests();
        Cpu.Machine machine = Cpu.Machine.now();
        long t0 = System.nanoTime();
        parallel(n, i -> {
            String name = "demo-" + i;
            GenericKubernetesResource created = client.genericKubernetesResources(IDEMO).inNamespace(ns)
                    .resource(demo(ns, name)).create();
            Map<String, HasMetadata> deps = dependents.getOrDefault(name, Map.of());
            for (String part : List.of("-greeter", "-worker")) {
                create(ns, deps.get(name + part), created);
            }
            create(ns, deps.get(name + "-greeter-svc"), created);
            try {
                broker.admin.createTopics(List.of(new NewTopic(ns + "-" + name, 1, (short) 1))).all()
                        .get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            create(ns, deps.get(name + "-host"), created);
            Object status = demos.get(name) == null ? null : demos.get(name).getAdditionalProperties().get("status");
            if (status != null) {
                created.getAdditionalProperties().put("status", status);
                client.genericKubernetesResources(IDEMO).inNamespace(ns).resource(created).patchStatus();
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        floorIdle = Cpu.Machine.now().idleSince(machine);
        floorRequests = requestsBetween(requestsBefore, apiRequests());
        return seconds;
    }

    private double floorIdle;
    private Map<String, Object> floorRequests;

    private void create(String ns, HasMetadata template, GenericKubernetesResource owner) {
        if (template == null) {
            throw new IllegalStateException("the operator run left no template for a dependent of "
                    + owner.getMetadata().getName());
        }
        HasMetadata copy = Serialization.clone(template);
        copy.getMetadata().setNamespace(ns);
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setUid(null);
        copy.getMetadata().setCreationTimestamp(null);
        copy.getMetadata().setManagedFields(null);
        copy.getMetadata().setGeneration(null);
        copy.getMetadata().setOwnerReferences(List.of(new OwnerReference(owner.getApiVersion(), true, true,
                owner.getKind(), owner.getMetadata().getName(), owner.getMetadata().getUid())));
        if (copy instanceof Deployment d) {
            d.setStatus(null);
        } else if (copy instanceof Service s) {
            s.setStatus(null);
            s.getSpec().setClusterIP(null);
            s.getSpec().setClusterIPs(null);
        }
        client.resource(copy).inNamespace(ns).create();
    }

    /** The demo a dependent belongs to; Services get a "-svc" suffix to tell them from the Deployment of that name. */
    private static String owner(HasMetadata o) {
        return o.getMetadata().getOwnerReferences().isEmpty() ? "?" : o.getMetadata().getOwnerReferences().get(0).getName();
    }

    private void parallel(int n, Consumer<Integer> task) {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> task.accept(k)));
            }
            for (Future<?> f : futures) {
                f.get(15, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating objects failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The API server's request counters (apiserver_request_total), by "VERB resource[/subresource]". */
    private Map<String, Double> apiRequests() {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Prom.Sample s : Prom.parse(client.raw("/metrics"))) {
            if (s.name().equals("apiserver_request_total")) {
                String verb = Prom.label(s.labels(), "verb");
                if (verb.equals("WATCH") || verb.equals("CONNECT")) {
                    continue;
                }
                String sub = Prom.label(s.labels(), "subresource");
                out.merge(verb + " " + Prom.label(s.labels(), "resource") + (sub.isEmpty() ? "" : "/" + sub),
                        s.value(), Double::sum);
            }
        }
        return out;
    }

    /** What was requested between two readings, without the namespaces, leases and the like nobody here made. */
    private static Map<String, Object> requestsBetween(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Object> out = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            long d = Math.round(e.getValue() - before.getOrDefault(e.getKey(), 0.0));
            String r = e.getKey();
            if (d > 0 && (r.contains("interactiondemos") || r.contains("deployments") || r.contains("services")
                    || r.contains("events") || r.contains("kafkatopics"))) {
                out.put(r, d);
                total += d;
            }
        }
        out.put("total", total);
        return out;
    }

    private static void awaitReady(Procs.Child op, int http) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (Prom.status(http, "/readyz") != 200) {
            op.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the operator is not ready after 2 min; log " + op.log());
            }
            Procs.sleep(20);
        }
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
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | **%s** | %s / %s | %s / %s | %s / %s | %s | %s / %s "
                            + "| %s / %s | %s | %s |%n",
                    r.get("n"), r.get("operatorSeconds"), r.get("floorSeconds"), r.get("ratio"),
                    r.get("perDemoP50Seconds"), r.get("perDemoP99Seconds"),
                    ((Map<?, ?>) r.get("apiRequests")).get("total"), ((Map<?, ?>) r.get("floorApiRequests")).get("total"),
                    pct(r.get("machineIdle")), pct(r.get("floorMachineIdle")), r.get("reconciliations"),
                    r.get("heapUsedMiB"), r.get("heapAfterGcMiB"), r.get("rssMiB"), r.get("peakRssMiB"),
                    r.get("steadyCores"), r.get("threads")));
        }
        sb.append("\nThe operator runs with -Xmx384m (the chart's default heap, within its 768Mi limit); heap after "
                + "GC is the live set after a forced full GC; steady CPU is its use over the next seconds, while it "
                + "refreshes every status each 10 s.\n");
        report.markdown(sb.toString());
    }

    /**
     * Watches a namespace (informers, no polling) and notes when each demo has its four Kubernetes dependents and a
     * written status (observedGeneration = generation, topic ready, message counts present).
     */
    static final class Tracker implements AutoCloseable {
        private static final Pattern PART = Pattern.compile("(.*)-(greeter|host|worker)");
        private final Set<String> deployments = ConcurrentHashMap.newKeySet();
        private final Set<String> services = ConcurrentHashMap.newKeySet();
        private final Set<String> statusDone = ConcurrentHashMap.newKeySet();
        private final Map<String, Long> created = new ConcurrentHashMap<>();
        private final Map<String, Long> done = new ConcurrentHashMap<>();
        private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
        volatile long start;

        Tracker(KubernetesClient client, String ns) {
            informers.add(client.apps().deployments().inNamespace(ns).inform(handler(d -> {
                deployments.add(d.getMetadata().getName());
                check(demoOf(d.getMetadata().getName()));
            })));
            informers.add(client.services().inNamespace(ns).inform(handler(s -> {
                services.add(s.getMetadata().getName());
                check(demoOf(s.getMetadata().getName()));
            })));
            informers.add(client.genericKubernetesResources(IDEMO).inNamespace(ns).inform(handler(d -> {
                String name = d.getMetadata().getName();
                created.putIfAbsent(name, System.nanoTime());
                if (statusWritten(d)) {
                    statusDone.add(name);
                }
                check(name);
            })));
        }

        private static <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
            return new ResourceEventHandler<>() {
                @Override
                public void onAdd(T obj) {
                    onChange.accept(obj);
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    onChange.accept(newObj);
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                }
            };
        }

        @SuppressWarnings("unchecked")
        private static boolean statusWritten(GenericKubernetesResource d) {
            Object s = d.getAdditionalProperties().get("status");
            if (!(s instanceof Map<?, ?> status)) {
                return false;
            }
            Object observed = status.get("observedGeneration");
            Object topic = status.get("topic");
            return observed instanceof Number o && d.getMetadata().getGeneration() != null
                    && o.longValue() == d.getMetadata().getGeneration()
                    && topic instanceof Map<?, ?> t && Boolean.TRUE.equals(t.get("ready"))
                    && status.get("messages") != null && status.get("conditions") instanceof List<?> c && !c.isEmpty();
        }

        private static String demoOf(String dependent) {
            Matcher m = PART.matcher(dependent);
            return m.matches() ? m.group(1) : dependent;
        }

        private void check(String demo) {
            if (!done.containsKey(demo) && statusDone.contains(demo) && services.contains(demo + "-greeter")
                    && deployments.contains(demo + "-greeter") && deployments.contains(demo + "-host")
                    && deployments.contains(demo + "-worker")) {
                done.putIfAbsent(demo, System.nanoTime());
            }
        }

        void awaitAll(int n, Procs.Child op, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (done.size() < n) {
                op.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + done.size() + " of " + n + " demos done after "
                            + timeout + "; operator log " + op.log());
                }
                Procs.sleep(10);
            }
        }

        long last() {
            return done.values().stream().mapToLong(Long::longValue).max().orElse(start);
        }

        /** Per demo: from its creation (as the watch saw it) to done. */
        double percentile(double q) {
            double[] d = done.entrySet().stream()
                    .mapToDouble(e -> (e.getValue() - created.getOrDefault(e.getKey(), start)) / 1e9).sorted().toArray();
            return d.length == 0 ? Double.NaN : d[Math.min(d.length - 1, (int) Math.ceil(q * d.length) - 1)];
        }

        @Override
        public void close() {
            informers.forEach(SharedIndexInformer::close);
        }
    }
}
