package dev.interactiondemo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the benchmarks (bench/run.sh calls this): {@code --mode quick|full}, {@code --only grpc,pipeline,operator},
 * {@code --jfr} (profile the measured processes). Writes {@code <results>/<date>-<mode>.json} and {@code .md} and
 * prints the ratios last.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                usage("unexpected argument " + a);
            }
            String key = a.substring(2);
            if (key.equals("jfr")) {
                opts.put(key, "true");
            } else if (i + 1 < args.length) {
                opts.put(key, args[++i]);
            } else {
                usage(a + " needs a value");
            }
        }
        Mode mode = Mode.named(opts.getOrDefault("mode", "quick"));
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        Path work = Path.of(opts.getOrDefault("work", repo.resolve("bench/target/run-" + stamp).toString()));
        Path results = Path.of(opts.getOrDefault("results", repo.resolve("bench/results").toString()));
        List<String> only = Arrays.asList(opts.getOrDefault("only", "grpc,pipeline,operator").split(","));
        BenchContext ctx = new BenchContext(repo, work, System.getProperty("java.class.path"),
                Path.of(require(opts, "greeter-jar")), Path.of(require(opts, "notifier-jar")),
                opts.getOrDefault("ghz", "ghz"), mode, opts.getOrDefault("kube-version", kubeVersion(repo)),
                opts.containsKey("jfr"), opts.containsKey("operator-scales") ? Arrays.stream(
                        opts.get("operator-scales").split(",")).map(String::trim).map(Integer::valueOf).toList() : null);
        Files.createDirectories(ctx.logs());
        if (opts.containsKey("broker-config")) {
            BenchBroker.extraConfig = Arrays.stream(opts.get("broker-config").split(",")).map(String::trim).toList();
        }
        if (ctx.jfr()) {
            Files.createDirectories(work.resolve("jfr"));
        }

        Report report = new Report();
        Map<String, Object> run = report.section("run");
        run.put("mode", mode.name());
        run.put("started", LocalDateTime.now().toString());
        run.put("commit", git(repo, "rev-parse", "--short", "HEAD"));
        run.put("workingTreeClean", git(repo, "status", "--porcelain", "--untracked-files=no").isBlank());
        run.put("sections", only);
        run.put("machine", Machine.describe());
        run.put("loadAverage1mAtStart", Machine.loadAverage1m());
        run.put("busiestProcessesAtStart", Machine.topOthers());
        run.put("profiled", ctx.jfr());
        run.put("brokerConfigOverrides", BenchBroker.extraConfig);
        Map<String, Object> otherLoad = new LinkedHashMap<>();
        run.put("otherWorkCores", otherLoad);
        Log.info("mode %s, sections %s, work directory %s", mode.name(), only, work);

        List<String> failures = new ArrayList<>();
        for (String section : only) {
            Machine.CpuSnapshot before = Machine.CpuSnapshot.now();
            long t0 = System.nanoTime();
            try {
                switch (section.trim()) {
                    case "grpc" -> new GrpcBench(ctx, report).run();
                    case "pipeline" -> new PipelineBench(ctx, report).run();
                    case "operator" -> new OperatorBench(ctx, report).run();
                    default -> usage("unknown section " + section);
                }
            } catch (RuntimeException e) {
                Log.info("section %s failed: %s", section, e);
                e.printStackTrace();
                failures.add(section + ": " + e.getMessage());
            }
            Machine.CpuSnapshot after = Machine.CpuSnapshot.now();
            double other = after.otherCoresSince(before);
            otherLoad.put(section, Report.round(other, 2));
            Log.info("section %s took %.0f s; other work on the machine used %.2f cores on average", section,
                    (System.nanoTime() - t0) / 1e9, other);
        }
        run.put("finished", LocalDateTime.now().toString());
        run.put("loadAverage1mAtEnd", Machine.loadAverage1m());
        run.put("failures", failures);
        double busiest = otherLoad.values().stream().mapToDouble(v -> (double) v).max().orElse(0);
        String busy = busiest >= 0.25
                ? String.format(Locale.ROOT, "busy: other work used up to %.2f of the %d cores during a section",
                busiest, Runtime.getRuntime().availableProcessors())
                : "quiet: other work used under a quarter of a core";
        run.put("machineBusy", busiest >= 0.25);
        run.put("machineNote", busy);

        String name = stamp + "-" + mode.name() + (opts.containsKey("only") ? "-" + String.join("+", only) : "")
                + (BenchBroker.extraConfig.isEmpty() && !ctx.jfr() ? "" : "-experiment");
        report.markdown(header(run, ctx, busy, otherLoad));
        moveHeaderFirst(report);
        Path json = results.resolve(name + ".json");
        Path md = results.resolve(name + ".md");
        report.write(json, md, "Benchmarks, " + mode.name() + " mode, " + stamp);
        System.out.println();
        System.out.println("Results: " + json + " and " + md);
        System.out.println("Machine: " + busy + " (ratios compare runs side by side in this session)");
        if (!failures.isEmpty()) {
            System.out.println("FAILED sections: " + failures);
        }
        System.out.println();
        System.out.println("Ratios (ours / reference):");
        System.out.print(report.ratioText());
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static String header(Map<String, Object> run, BenchContext ctx, String busy, Map<String, Object> other) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) run.get("machine");
        return String.format(Locale.ROOT, "Commit %s%s, %s mode%s. Machine: %s vCPU (%s), %s GiB, %s. %s; "
                        + "average cores used by other work per section: %s. Load average at start %s.%n",
                run.get("commit"), Boolean.TRUE.equals(run.get("workingTreeClean")) ? "" : " (with local changes)",
                ctx.mode().name(), ctx.jfr() ? ", profiled with JFR" : "", m.get("cpus"), m.get("cpuModel"),
                m.get("memoryGiB"), m.get("java"), busy, other, run.get("loadAverage1mAtStart"));
    }

    /** The header was added last (it needs the whole run); it belongs first. */
    private static void moveHeaderFirst(Report report) {
        report.moveLastMarkdownFirst();
    }

    private static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            usage("--" + key + " is required");
        }
        return v;
    }

    /** The Kubernetes version the operator's tests use (operator/pom.xml), so the same binaries serve. */
    static String kubeVersion(Path repo) {
        try {
            Matcher m = Pattern.compile("<kube-api-test.kube.version>([^<]+)<").matcher(
                    Files.readString(repo.resolve("operator/pom.xml")));
            return m.find() ? m.group(1) : "1.34.4";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String git(Path repo, String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println("usage: BenchMain --greeter-jar J --notifier-jar J [--mode quick|full] "
                + "[--only grpc,pipeline,operator] [--operator-scales 10,100] [--broker-config k=v,...] [--jfr] [--ghz PATH] [--repo DIR] [--results DIR] [--work DIR]");
        System.exit(2);
    }
}
