package dev.interactiondemo.bench;

import dev.interactiondemo.common.Option;
import dev.interactiondemo.common.Program;
import dev.interactiondemo.common.Settings;

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
 * Runs the benchmarks (bench/run.sh calls this): {@code --mode quick|full}, {@code --only grpc,pipeline,operator,footprint},
 * {@code --jfr} (profile the measured processes); every setting also from its {@code BENCH_*} variable, see
 * {@code --help}. Writes {@code <results>/<date>-<mode>.json} and {@code .md} and prints the ratios last. Exit status
 * 0 when every section ran, 1 when one failed, 2 for a bad setting.
 */
public final class BenchMain {
    static final List<String> SECTIONS = List.of("grpc", "pipeline", "operator", "footprint");
    static final Option GREETER_JAR = Option.of("BENCH_GREETER_JAR", "greeter-jar", null,
            "the Greeter's runnable jar");
    static final Option NOTIFIER_JAR = Option.of("BENCH_NOTIFIER_JAR", "notifier-jar", null,
            "the notifier's runnable jar");
    static final Option MODE = Option.of("BENCH_MODE", "mode", "quick", "quick (under 10 minutes) or full");
    static final Option ONLY = Option.of("BENCH_ONLY", "only", String.join(",", SECTIONS),
            "the sections to run, comma-separated");
    static final Option OPERATOR_SCALES = Option.of("BENCH_OPERATOR_SCALES", "operator-scales", null,
            "the numbers of InteractionDemos to try, comma-separated [default: the mode's]");
    static final Option BROKER_CONFIG = Option.of("BENCH_BROKER_CONFIG", "broker-config", null,
            "broker settings of one's own, key=value, comma-separated: an experiment");
    static final Option OPERATOR_JAVA_OPTIONS = Option.of("BENCH_OPERATOR_JAVA_OPTIONS", "operator-java-options", null,
            "the operator's JVM options, space-separated: an experiment [default: the chart's, from its values.yaml "
                    + "heap and jvmOptions]");
    static final Option PART_JAVA_OPTIONS = Option.of("BENCH_PART_JAVA_OPTIONS", "part-java-options", null,
            "the footprint case: JVM options for the Greeter, the Host and the Worker after their images' own, "
                    + "space-separated: an experiment, measured beside the images' options alone");
    static final Option PART_ENVIRONMENT = Option.of("BENCH_PART_ENVIRONMENT", "part-environment", null,
            "the footprint case: environment variables for the experiment's parts, KEY=VALUE, comma-separated");
    static final Option JFR = Option.ofSwitch("BENCH_JFR", "jfr", "false",
            "true: record a JFR profile of each measured process");
    static final Option GHZ = Option.of("BENCH_GHZ", "ghz", "ghz", "the ghz executable");
    static final Option REPO = Option.of("BENCH_REPO", "repo", ".", "the repository's root");
    static final Option RESULTS = Option.of("BENCH_RESULTS", "results", null,
            "where the results are written [default: <repo>/bench/results]");
    static final Option WORK = Option.of("BENCH_WORK", "work", null,
            "this run's scratch directory [default: <repo>/bench/target/run-<date>]");
    static final Option KUBE_VERSION = Option.of("BENCH_KUBE_VERSION", "kube-version", null,
            "the version of the Kubernetes binaries [default: the operator's tests', from operator/pom.xml]");
    static final List<Option> OPTIONS = List.of(GREETER_JAR, NOTIFIER_JAR, MODE, ONLY, OPERATOR_SCALES, BROKER_CONFIG,
            OPERATOR_JAVA_OPTIONS, PART_JAVA_OPTIONS, PART_ENVIRONMENT, JFR, GHZ, REPO, RESULTS, WORK, KUBE_VERSION);

    private BenchMain() {
    }

    public static void main(String[] args) {
        Program.of("bench", "BenchMain --greeter-jar J --notifier-jar J [options]", OPTIONS).run(args,
                BenchMain::prepare);
    }

    /** The run the settings ask for, every setting checked before anything runs. */
    static Program.Job prepare(Settings s) {
        Mode mode = Mode.named(s.choice(MODE, "quick", "full"));
        List<String> only = commaSeparated(s.string(ONLY));
        only.stream().filter(section -> !SECTIONS.contains(section)).forEach(section ->
                s.problem(ONLY.label() + ": '" + section + "' is not one of " + String.join(", ", SECTIONS)));
        List<Integer> scales = s.raw(OPERATOR_SCALES).map(text -> commaSeparated(text).stream()
                .map(scale -> wholeNumber(s, scale)).toList()).orElse(null);
        List<String> brokerConfig = commaSeparated(s.string(BROKER_CONFIG));
        brokerConfig.stream().filter(setting -> setting.indexOf('=') < 1).forEach(setting ->
                s.problem(BROKER_CONFIG.label() + ": '" + setting + "' is not key=value"));
        Path greeterJar = Path.of(s.required(GREETER_JAR));
        Path notifierJar = Path.of(s.required(NOTIFIER_JAR));
        boolean jfr = s.choice(JFR, "false", "true").equals("true");
        List<String> partJava = s.raw(PART_JAVA_OPTIONS).map(text -> List.of(text.trim().split("\\s+")))
                .orElse(List.of());
        Map<String, String> partEnvironment = new LinkedHashMap<>();
        for (String setting : commaSeparated(s.string(PART_ENVIRONMENT))) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                s.problem(PART_ENVIRONMENT.label() + ": '" + setting + "' is not KEY=VALUE");
            } else {
                partEnvironment.put(setting.substring(0, eq), setting.substring(eq + 1));
            }
        }
        if (!s.positional().isEmpty()) {
            s.problem("unexpected arguments " + s.positional() + " (see --help)");
        }
        s.validate();
        Path repo = Path.of(s.string(REPO)).toAbsolutePath().normalize();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        Path work = s.raw(WORK).map(Path::of).orElse(repo.resolve("bench/target/run-" + stamp));
        Path results = s.raw(RESULTS).map(Path::of).orElse(repo.resolve("bench/results"));
        List<String> operatorJava = s.raw(OPERATOR_JAVA_OPTIONS).map(text -> List.of(text.trim().split("\\s+")))
                .orElseGet(() -> ChartJava.options(repo));
        BenchContext ctx = new BenchContext(repo, work, System.getProperty("java.class.path"), greeterJar, notifierJar,
                s.string(GHZ), mode, s.raw(KUBE_VERSION).orElseGet(() -> kubeVersion(repo)), jfr, scales, operatorJava,
                ChartJava.environment(repo), new FootprintBench.Experiment(partJava, partEnvironment));
        BenchBroker.extraConfig = brokerConfig;
        return () -> run(ctx, only, results, stamp);
    }

    private static int run(BenchContext ctx, List<String> only, Path results, String stamp) throws IOException {
        Mode mode = ctx.mode();
        Path repo = ctx.repo();
        Path work = ctx.work();
        Files.createDirectories(ctx.logs());
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
                switch (section) {
                    case "grpc" -> new GrpcBench(ctx, report).run();
                    case "pipeline" -> new PipelineBench(ctx, report).run();
                    case "operator" -> new OperatorBench(ctx, report).run();
                    case "footprint" -> new FootprintBench(ctx, report).run();
                    default -> throw new IllegalArgumentException("unknown section " + section);
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

        String name = stamp + "-" + mode.name() + (only.equals(SECTIONS) ? "" : "-" + String.join("+", only))
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
        return failures.isEmpty() ? Program.OK : Program.FAILED;
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

    /** The non-empty items of a comma-separated list. */
    private static List<String> commaSeparated(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** A number of InteractionDemos, or a problem recorded in {@code s}. */
    private static int wholeNumber(Settings s, String text) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        s.problem(OPERATOR_SCALES.label() + ": '" + text + "' is not a whole number above 0");
        return 1;
    }

    /** The Kubernetes version the operator's tests use (operator/pom.xml), so the same binaries serve. */
    static String kubeVersion(Path repo) {
        try {
            Matcher m = Pattern.compile("<kube-api-test.kube.version>([^<]+)<").matcher(
                    Files.readString(repo.resolve("operator/pom.xml")));
            if (!m.find()) {
                throw new IllegalStateException("operator/pom.xml names no <kube-api-test.kube.version>: set "
                        + KUBE_VERSION.label());
            }
            return m.group(1);
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
}
