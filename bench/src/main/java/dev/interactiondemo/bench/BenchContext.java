package dev.interactiondemo.bench;

import java.nio.file.Path;

/**
 * Where things are for one run.
 *
 * @param repo        the repository's root
 * @param work        this run's scratch directory (logs, broker data, JFR recordings), under bench/target
 * @param classPath   the bench module's class path (its jar and bench/target/lib), for the baseline server, Kafka's
 *                    own tools, the broker and the operator process
 * @param greeterJar  the Greeter's runnable jar, copied for this run
 * @param notifierJar the notifier's runnable jar, copied for this run
 * @param ghz         the ghz executable
 * @param jfr         whether the measured processes record a JFR profile
 * @param operatorScales the numbers of InteractionDemos to try, instead of the mode's (null: the mode's)
 * @param operatorJavaOptions the operator process's JVM options: the chart's ({@link ChartJava}) unless the run
 *                    gives others
 * @param operatorEnvironment what the chart sets in the operator's environment besides its settings
 *                    ({@link ChartJava#environment})
 * @param partExperiment      the footprint case's experiment: none when both its lists are empty
 */
record BenchContext(Path repo, Path work, String classPath, Path greeterJar, Path notifierJar, String ghz, Mode mode,
                    String kubeVersion, boolean jfr, java.util.List<Integer> operatorScales,
                    java.util.List<String> operatorJavaOptions, java.util.Map<String, String> operatorEnvironment,
                    FootprintBench.Experiment partExperiment) {
    Path logs() {
        return work.resolve("logs");
    }

    /** The JVM option that records a profile of the process {@code name} into work/jfr/name.jfr. */
    String jfrOption(String name) {
        return "-XX:StartFlightRecording=settings=profile,filename=" + work.resolve("jfr").resolve(name + ".jfr");
    }
}
