package dev.interactiondemo.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * API requests per demo at N = 100 with half the demos in Strimzi mode, the operator against the direct client
 * (at most 1.5). A fresh operator (default status interval, 10 s) watches its own namespace; 16 client
 * threads create 100 demos, the even ones with {@code topic.management: Strimzi} (a KafkaTopic labelled
 * {@code strimzi.io/cluster}, counted on the bench's broker), the odd ones Direct. {@link TopicOperatorStandIn} plays
 * Strimzi's Topic Operator. The clock and the request count stop when every demo is done ({@link Tracker}); the
 * Topic Operator's own requests ({@code kafkatopics/status}) are counted apart. Then, over {@link #STEADY} of steady
 * state, the requests again: a mix of Strimzi and Direct demos must not make the KafkaTopic informer stop and
 * list again, which shows as {@code LIST kafkatopics} (java-operator-sdk deregisters a dependent's event source when
 * its activation condition is not met: the operator's KafkaTopic dependent had one until this case showed it). The floor ({@link DirectClientFloor}) creates the same 100 demos' objects,
 * the KafkaTopic instead of the Admin call for the Strimzi half.
 */
final class MixedModeCase {
    static final int N = 100;
    /** The Strimzi cluster the KafkaTopics are labelled for (no Kafka resource of that name is needed). */
    static final String CLUSTER = "bench-kafka";
    /** Steady state after the burst: two of the operator's default status intervals. */
    static final Duration STEADY = Duration.ofSeconds(20);
    private static final String KAFKA_TOPICS = "kafkatopics";
    private static final String LIST_KAFKA_TOPICS = "LIST " + KAFKA_TOPICS;

    private final OperatorRig rig;
    private final Report report;

    MixedModeCase(OperatorRig rig, Report report) {
        this.rig = rig;
        this.report = report;
    }

    /** Even demos in Strimzi mode, odd ones Direct. */
    private GenericKubernetesResource demo(String ns, int i) {
        return i % 2 == 0 ? rig.strimziDemo(ns, OperatorRig.demoName(i), CLUSTER)
                : rig.demo(ns, OperatorRig.demoName(i));
    }

    /** Runs the case; returns its JSON (and adds its table and ratio to the report). */
    Map<String, Object> run() {
        String ns = "mixed-" + N;
        rig.namespace(ns);
        int http = Procs.freePort();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("n", N);
        row.put("strimziDemos", (N + 1) / 2);
        DirectClientFloor.OperatorObjects made;
        try (TopicOperatorStandIn topicOperator = new TopicOperatorStandIn(rig.client(), rig.broker(), ns);
             Procs.Child op = rig.startOperator("operator-mixed-" + N, ns, http, false, Map.of());
             Tracker tracker = new Tracker(rig.client(), ns)) {
            OperatorRig.awaitReady(op, http);
            Procs.sleep(2000); // as the scales do: the operator settled
            Map<String, Double> before = rig.apiRequests();
            Map<String, Double> topicsBefore = rig.apiRequestsByCode(KAFKA_TOPICS);
            long t0 = System.nanoTime();
            tracker.start = t0;
            OperatorRig.parallel(N, i -> rig.client().genericKubernetesResources(OperatorRig.IDEMO).inNamespace(ns)
                    .resource(demo(ns, i)).create());
            tracker.awaitAll(N, op, Duration.ofMinutes(10));
            double operatorS = (tracker.last() - t0) / 1e9;
            Map<String, Double> done = rig.apiRequests();
            Map<String, Double> topicsDone = rig.apiRequestsByCode(KAFKA_TOPICS);
            row.put("operatorSeconds", Report.round(operatorS, 3));
            row.put("perDemoP50Seconds", Report.round(tracker.percentile(0.5), 3));
            row.put("perDemoP99Seconds", Report.round(tracker.percentile(0.99), 3));
            Map<String, Object> burst = OperatorRig.requestsBetween(before, done);
            row.put("apiRequests", operators(burst));
            row.put("topicOperatorApiRequests", topicOperators(burst));
            row.put("listKafkaTopicsBurst", operators(burst).getOrDefault(LIST_KAFKA_TOPICS, 0L));
            Map<String, Object> topicsBurst = OperatorRig.difference(topicsBefore, topicsDone);
            row.put("kafkaTopicRequestsByCodeBurst", topicsBurst);
            row.put("kafkaTopicInformerStartsBurst", informerStarts(topicsBurst));
            Log.info("mixed N=%d: operator done in %.2f s, %d API requests (%s LIST kafkatopics)", N, operatorS,
                    OperatorRig.total(operators(burst)), row.get("listKafkaTopicsBurst"));

            Procs.sleep(STEADY.toMillis());
            Map<String, Object> steady = OperatorRig.requestsBetween(done, rig.apiRequests());
            Map<String, Object> topicsSteady = OperatorRig.difference(topicsDone, rig.apiRequestsByCode(KAFKA_TOPICS));
            row.put("steadySeconds", STEADY.toSeconds());
            row.put("steadyApiRequests", operators(steady));
            row.put("listKafkaTopicsSteady", operators(steady).getOrDefault(LIST_KAFKA_TOPICS, 0L));
            row.put("kafkaTopicRequestsByCodeSteady", topicsSteady);
            row.put("kafkaTopicInformerStartsSteady", informerStarts(topicsSteady));
            row.put("reconciliations", (long) Prom.scrape(http).sum("operator_sdk_reconciliations_started_total"));
            row.put("topicOperatorTopicsCreated", topicOperator.topicsCreated());
            row.put("topicOperatorStatusPatches", topicOperator.statusPatches());
            row.put("topicOperatorFailures", topicOperator.failures().stream().sorted().toList());
            made = DirectClientFloor.OperatorObjects.read(rig.client(), ns);
        }
        DirectClientFloor.Result floor = DirectClientFloor.run(rig, "floor-mixed-" + N, N, this::demo, made);
        row.put("floorSeconds", Report.round(floor.seconds(), 3));
        row.put("floorApiRequests", floor.requests());
        double operatorS = (double) row.get("operatorSeconds");
        row.put("ratio", Report.round(operatorS / floor.seconds(), 2));
        @SuppressWarnings("unchecked")
        long ours = OperatorRig.total((Map<String, Object>) row.get("apiRequests"));
        long floors = OperatorRig.total(floor.requests());
        row.put("apiRequestsPerDemo", Report.round((double) ours / N, 2));
        row.put("floorApiRequestsPerDemo", Report.round((double) floors / N, 2));
        row.put("apiRequestsRatio", Report.round((double) ours / floors, 2));
        report.ratio("operator", "API requests per demo, N=" + N + ", half in Strimzi mode (operator / direct client)",
                (double) ours / N, (double) floors / N, "requests", "lower",
                "goal <= 1.5; the Topic Operator's kafkatopics/status requests are not the operator's");
        Log.info("mixed N=%d: floor %.2f s, %d API requests; requests ratio %.2f", N, floor.seconds(), floors,
                (double) ours / floors);
        markdown(row);
        return row;
    }

    /** The operator's requests: all but the Topic Operator's status writes. */
    private static Map<String, Object> operators(Map<String, Object> requests) {
        return OperatorRig.only(requests, k -> !k.endsWith(TopicOperatorStandIn.STATUS_REQUESTS));
    }

    /**
     * WATCH kafkatopics requests: each is an informer on KafkaTopics starting (the stand-in's one watch starts before
     * the counting).
     */
    private static long informerStarts(Map<String, Object> byCode) {
        return byCode.entrySet().stream().filter(e -> e.getKey().startsWith("WATCH " + KAFKA_TOPICS + " "))
                .mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    }

    private static Map<String, Object> topicOperators(Map<String, Object> requests) {
        return OperatorRig.only(requests, k -> k.endsWith(TopicOperatorStandIn.STATUS_REQUESTS));
    }

    private void markdown(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("## Half the demos in Strimzi mode\n\n");
        sb.append("| N (Strimzi) | operator (s) | floor (s) | ratio | per-demo p50 / p99 (s) "
                + "| API requests, operator / floor | per demo, operator / floor | requests ratio "
                + "| LIST kafkatopics, burst / steady | KafkaTopic informer starts (WATCH), burst / steady "
                + "| requests in steady state | reconciles |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| %s (%s) | %s | %s | %s | %s / %s | %s / %s | %s / %s | **%s** "
                        + "| %s / %s | %s / %s | %s | %s |%n",
                r.get("n"), r.get("strimziDemos"), r.get("operatorSeconds"), r.get("floorSeconds"), r.get("ratio"),
                r.get("perDemoP50Seconds"), r.get("perDemoP99Seconds"),
                ((Map<?, ?>) r.get("apiRequests")).get("total"), ((Map<?, ?>) r.get("floorApiRequests")).get("total"),
                r.get("apiRequestsPerDemo"), r.get("floorApiRequestsPerDemo"), r.get("apiRequestsRatio"),
                r.get("listKafkaTopicsBurst"), r.get("listKafkaTopicsSteady"), r.get("kafkaTopicInformerStartsBurst"),
                r.get("kafkaTopicInformerStartsSteady"),
                ((Map<?, ?>) r.get("steadyApiRequests")).get("total"), r.get("reconciliations")));
        sb.append(String.format(Locale.ROOT, "%nEven demos Strimzi mode (a KafkaTopic), odd ones Direct. No Strimzi "
                + "runs here: a stand-in Topic Operator in the bench creates each KafkaTopic's topic on the broker and "
                + "sets its status Ready; its %s requests (%s in the burst) are not counted as the operator's. "
                + "The floor creates the same objects with the same client (the KafkaTopic in place of the Admin "
                + "call for the Strimzi half). Steady state: the %d s after the last demo was done. "
                + "The first Strimzi-mode demo starts the operator's KafkaTopic informer (one LIST and one WATCH "
                + "kafkatopics); every further WATCH means it was stopped and started again. The other LISTs are the "
                + "operator's look-ups (a field selector on the name) after a 409 on creating a KafkaTopic its cache "
                + "did not hold; the JSON has the KafkaTopic requests by status code.%n",
                TopicOperatorStandIn.STATUS_REQUESTS,
                ((Map<?, ?>) r.get("topicOperatorApiRequests")).get("total"), STEADY.toSeconds()));
        report.markdown(sb.toString());
    }
}
