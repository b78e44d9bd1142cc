package dev.interactiondemo.bench;

import java.util.List;

/**
 * How long and how often: {@code quick} (under 10 minutes) or {@code full}. {@code silentKafkaIntervals}: the status
 * intervals over which {@link SilentKafkaCase} samples the healthy demo's status.
 */
record Mode(String name,
            int grpcWarmupSeconds, int grpcSeconds, int grpcRepetitions,
            int hostWarmupSeconds, int hostSeconds,
            long producerPerfRecords, long consumeRecords,
            int e2eWarmupSeconds, int e2eSeconds, int endToEndLatencyMessages,
            boolean greeterDelayLesson,
            List<Integer> operatorScales, int operatorSteadySeconds, int silentKafkaIntervals) {

    static Mode quick() {
        return new Mode("quick", 3, 8, 1, 4, 8, 500_000, 200_000, 4, 12, 2_000, false, List.of(10, 100), 5, 4);
    }

    static Mode full() {
        return new Mode("full", 10, 30, 3, 10, 30, 3_000_000, 1_000_000, 10, 60, 10_000, true, List.of(10, 100, 500),
                20, 6);
    }

    static Mode named(String name) {
        return switch (name) {
            case "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("mode: quick or full, not " + name);
        };
    }
}
