package dev.interactiondemo.engine;

/**
 * What the demo's own pods say of the lesson, summed over the Hosts' and the Workers' {@code /metrics}: the Greeter
 * as the Hosts see it, and the Workers' delivery audit. A figure is null when no pod reported it.
 *
 * @param errorRate   share of the Hosts' calls that failed since the previous reading
 * @param hostBlocked whether a Host waits on a Greeter that does not answer
 * @param polls       the Workers' polls; null when no Worker reported them
 */
public record PodFigures(Long calls, Long failures, Double errorRate, Double callP50Ms, Double callP99Ms,
                         Boolean hostBlocked, Long delivered, Long duplicates, Long lost, Double endToEndP50Ms,
                         Double endToEndP99Ms, Polls polls) {

    /**
     * The Workers' polls, of the Worker that shows each most (the slowest, the largest): how long notifications
     * waited in Kafka until a poll took them, and how many a poll returned. A figure is null when no Worker polled.
     */
    public record Polls(Double waitInKafkaP50Ms, Double waitInKafkaP99Ms, Double recordsPerPollP50,
                        Double recordsPerPollMax) {
    }

    /**
     * The share of the Host's calls since the previous reading that failed, to 0.001: 0 when no call was made. The
     * operator reads the counts from the Hosts' /metrics, the sandbox from its Host; both compute the rate here.
     */
    public static double errorRate(long callsBefore, long failuresBefore, long calls, long failures) {
        long newCalls = calls - callsBefore;
        long newFailures = Math.max(0, failures - failuresBefore);
        return newCalls <= 0 ? 0.0 : Math.round((double) newFailures / newCalls * 1000) / 1000.0;
    }
}
