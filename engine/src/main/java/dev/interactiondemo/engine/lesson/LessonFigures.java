package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.Figure;
import dev.interactiondemo.api.status.ConsumerMember;
import dev.interactiondemo.api.status.InteractionDemoStatus;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The figures of a demo's status a lesson reads; a figure the status does not have (yet) is absent. */
public final class LessonFigures {

    private LessonFigures() {
    }

    /** Every figure the status has. */
    public static Map<Figure, Double> of(InteractionDemoStatus s) {
        Map<Figure, Double> f = new EnumMap<>(Figure.class);
        if (s == null) {
            return f;
        }
        if (s.getMessages() != null) {
            var m = s.getMessages();
            put(f, Figure.produced, m.getProduced());
            put(f, Figure.consumed, m.getConsumed());
            put(f, Figure.lag, m.getLag());
            put(f, Figure.producedPerSecond, m.getProducedPerSecond());
            put(f, Figure.consumedPerSecond, m.getConsumedPerSecond());
        }
        if (s.getDelivery() != null) {
            var d = s.getDelivery();
            put(f, Figure.delivered, d.getDelivered());
            put(f, Figure.lost, d.getLost());
            put(f, Figure.duplicates, d.getDuplicates());
            put(f, Figure.endToEndP50Ms, d.getEndToEndLatencyP50Ms());
            put(f, Figure.endToEndP99Ms, d.getEndToEndLatencyP99Ms());
            put(f, Figure.waitInKafkaP50Ms, d.getWaitInKafkaP50Ms());
            put(f, Figure.waitInKafkaP99Ms, d.getWaitInKafkaP99Ms());
            put(f, Figure.recordsPerPollP50, d.getRecordsPerPollP50());
            put(f, Figure.recordsPerPollMax, d.getRecordsPerPollMax());
        }
        if (s.getGreeter() != null) {
            var g = s.getGreeter();
            put(f, Figure.greeterErrorRate, g.getErrorRate());
            put(f, Figure.greeterCallP99Ms, g.getCallLatencyP99Ms());
            if (g.getHostBlocked() != null) {
                f.put(Figure.hostBlocked, g.getHostBlocked() ? 1.0 : 0.0);
            }
        }
        condition(s.getConditions(), "Ready").ifPresent(v -> f.put(Figure.ready, v));
        condition(s.getConditions(), "GreeterAvailable").ifPresent(v -> f.put(Figure.greeterAvailable, v));
        condition(s.getConditions(), "MessagesFlowing").ifPresent(v -> f.put(Figure.messagesFlowing, v));
        if (s.getWorker() != null) {
            var w = s.getWorker();
            put(f, Figure.workers, w.getReadyReplicas() == null && w.getReplicas() != null ? 0 : w.getReadyReplicas());
            List<ConsumerMember> members = w.getMembers();
            if (members != null) {
                f.put(Figure.workerMembers, (double) members.size());
                f.put(Figure.idleWorkers, (double) members.stream()
                        .filter(c -> c.getPartitions() == null || c.getPartitions().isEmpty()).count());
            }
        }
        if (s.getTopic() != null) {
            put(f, Figure.partitions, s.getTopic().getPartitions());
        }
        return f;
    }

    /** The figures as a status map (by the figures' names), for the lesson's own status. */
    public static Map<String, Double> named(Map<Figure, Double> figures) {
        Map<String, Double> m = new java.util.TreeMap<>();
        figures.forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    /** A figure's value in a status map, or null. */
    static Double in(Map<String, Double> named, Figure figure) {
        return named == null ? null : named.get(figure.name());
    }

    private static java.util.Optional<Double> condition(List<Condition> conditions, String type) {
        if (conditions == null) {
            return java.util.Optional.empty();
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .filter(c -> !"Unknown".equals(c.getStatus()))
                .map(c -> "True".equals(c.getStatus()) ? 1.0 : 0.0);
    }

    private static void put(Map<Figure, Double> f, Figure figure, Number value) {
        if (value != null) {
            f.put(figure, value.doubleValue());
        }
    }

    /** A figure's value as a timeline shows it: whole numbers without decimals, rates with two. */
    public static String text(Figure figure, Double value) {
        if (value == null) {
            return "unknown";
        }
        Function<Double, String> fmt = v -> v == Math.rint(v) && Math.abs(v) < 1e15
                ? String.valueOf(v.longValue()) : String.format(java.util.Locale.ROOT, "%.2f", v);
        return fmt.apply(value);
    }
}
