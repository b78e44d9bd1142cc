package dev.interactiondemo.notifier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interactiondemo.common.Metrics;
import dev.interactiondemo.common.Tracing;
import dev.interactiondemo.common.testing.Await;
import dev.interactiondemo.common.testing.OtlpReceiver;
import dev.interactiondemo.greeter.GreeterServer;
import dev.interactiondemo.greeter.GreeterImpl;
import dev.interactiondemo.localkafka.LocalKafkaBroker;
import dev.interactiondemo.notification.Notification;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One notification, one trace: a real Greeter, a real Kafka broker, the Host and the Worker, each
 * exporting over OTLP/HTTP to a real receiver as its own service.
 */
class NotificationTraceTest {

    @Test
    void oneNotificationIsOneTraceFromTheHostThroughTheGreeterAndKafkaToTheWorker() throws Exception {
        String topic = "trace-test";
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        Logger notifierLog = (Logger) LoggerFactory.getLogger("dev.interactiondemo.notifier");
        Level levelBefore = notifierLog.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        notifierLog.addAppender(logged);
        notifierLog.setLevel(Level.DEBUG);
        List<AutoCloseable> toClose = new ArrayList<>();
        try (OtlpReceiver collector = OtlpReceiver.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                    "OTEL_BSP_SCHEDULE_DELAY", "50");
            OpenTelemetry greeterOtel = Tracing.init("greeter", env);
            OpenTelemetry hostOtel = Tracing.init("notifier-host", env);
            OpenTelemetry workerOtel = Tracing.init("notifier-worker", env);
            GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                    Metrics.newRegistry(), greeterOtel);
            toClose.add(greeter);
            List<String> common = NotifierMainTest.flags(kafka, topic, greeter);

            // The slowest rate: the first notification at once, the next one 100 s later (after the test).
            NotificationHost host = new NotificationHost(NotifierMainTest.config("host", common, "--rate=0.01",
                    "--recipients=Ada"), Metrics.newRegistry(), hostOtel);
            toClose.add(host);
            host.start();
            Await.until("one notification acknowledged", () -> host.stats().sent() == 1, Duration.ofSeconds(60));
            // The trace shows the notification's time in Kafka as the gap between the send and the Worker's span,
            // asserted below to be at least these 300 ms.
            Thread.sleep(300); // the scenario: it waits in Kafka while no Worker runs yet, not a wait for something
            NotificationWorker worker = new NotificationWorker(NotifierMainTest.config("worker", common),
                    Metrics.newRegistry(), new DeliveryAudit(), new WorkerFaults(), workerOtel);
            toClose.add(worker);
            worker.start();
            Await.until("the notification processed", () -> worker.stats().consumed() == 1, Duration.ofSeconds(60));
            closeAll(toClose);
            Tracing.shutdown(); // exports what is buffered

            List<OtlpReceiver.Received> spans = collector.await(5, 10_000);
            assertEquals(List.of(), collector.problems());
            assertEquals(1, spans.stream().map(OtlpReceiver.Received::traceId).distinct().count(),
                    "one trace: " + describe(spans));
            assertEquals(5, spans.size(), describe(spans));
            OtlpReceiver.Received notify = only(spans, "notifier-host", Span.SpanKind.SPAN_KIND_INTERNAL);
            OtlpReceiver.Received call = only(spans, "notifier-host", Span.SpanKind.SPAN_KIND_CLIENT);
            OtlpReceiver.Received serve = only(spans, "greeter", Span.SpanKind.SPAN_KIND_SERVER);
            OtlpReceiver.Received send = only(spans, "notifier-host", Span.SpanKind.SPAN_KIND_PRODUCER);
            OtlpReceiver.Received process = only(spans, "notifier-worker", Span.SpanKind.SPAN_KIND_CONSUMER);

            assertEquals("notify Ada", notify.span().getName());
            assertEquals("", notify.parentSpanId(), "the notification's span is the root");
            assertEquals("greet.Greeter/SayHello", call.span().getName());
            assertEquals(notify.spanId(), call.parentSpanId(), "the synchronous call, inside the notification's span");
            assertEquals(call.spanId(), serve.parentSpanId(), "the Greeter's span, a child of the Host's call");
            assertEquals(notify.spanId(), send.parentSpanId(), "the send, inside the notification's span");
            assertEquals(topic + " publish", send.span().getName());
            assertEquals(send.spanId(), process.parentSpanId(), "the Worker's span, a child of the send, over Kafka");
            assertEquals(topic + " process", process.span().getName());

            assertTrue(call.span().getStartTimeUnixNano() >= notify.span().getStartTimeUnixNano()
                    && call.span().getEndTimeUnixNano() <= notify.span().getEndTimeUnixNano(), "the call is nested");
            assertTrue(send.span().getStartTimeUnixNano() >= call.span().getEndTimeUnixNano(),
                    "published after the greeting");
            long waitedInKafka = process.span().getStartTimeUnixNano() - send.span().getEndTimeUnixNano();
            assertTrue(waitedInKafka >= 300_000_000L, "the wait in Kafka is the gap between the send and the Worker's"
                    + " span: " + waitedInKafka + " ns");
            assertEquals(java.util.Optional.of("FIRST_DELIVERY"), process.attribute("notification.delivery"));
            writeTimeline(List.of(notify, call, serve, send, process));

            // The trace id travels in the Notification, and is in the log lines about it on both sides.
            String traceId = notify.traceId();
            assertEquals(traceId, readNotification(kafka, topic).getTraceId());
            Map<String, String> traceIdByMessage = logged.list.stream()
                    .filter(e -> e.getMessage().startsWith("Published") || e.getMessage().startsWith("Processed"))
                    .collect(Collectors.toMap(e -> e.getMessage().substring(0, 9),
                            e -> e.getMDCPropertyMap().getOrDefault("trace_id", "")));
            assertEquals(Map.of("Published", traceId, "Processed", traceId), traceIdByMessage);
        } finally {
            closeAll(toClose);
            Tracing.shutdown();
            notifierLog.detachAppender(logged);
            notifierLog.setLevel(levelBefore);
        }
    }

    @Test
    void untracedTheNotificationCarriesNoTraceId() throws Exception {
        String topic = "untraced-test";
        LocalKafkaBroker kafka = LocalKafkaBroker.shared();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             GreeterServer greeter = GreeterServer.start(0, "port", new GreeterImpl(256, Duration.ZERO),
                     Metrics.newRegistry())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            try (NotificationHost host = new NotificationHost(NotifierMainTest.config("host",
                    NotifierMainTest.flags(kafka, topic, greeter), "--rate=0.01"), Metrics.newRegistry())) {
                host.start();
                Await.until("one notification acknowledged", () -> host.stats().sent() == 1, Duration.ofSeconds(60));
            }
            assertEquals("", readNotification(kafka, topic).getTraceId());
        }
    }

    private static void closeAll(List<AutoCloseable> resources) throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.remove(i).close();
        }
    }

    private static OtlpReceiver.Received only(List<OtlpReceiver.Received> spans, String service, Span.SpanKind kind) {
        List<OtlpReceiver.Received> matching = spans.stream()
                .filter(s -> s.serviceName().equals(service) && s.span().getKind() == kind).toList();
        assertEquals(1, matching.size(), service + " " + kind + " in " + describe(spans));
        return matching.get(0);
    }

    /**
     * The trace as a timeline, for docs/lessons.md: each span's service, kind and name, when it started after the
     * notification's span did and how long it took (written to target/trace/notification-trace.txt).
     */
    private static void writeTimeline(List<OtlpReceiver.Received> spans) throws java.io.IOException {
        long t0 = spans.get(0).span().getStartTimeUnixNano();
        StringBuilder text = new StringBuilder("trace " + spans.get(0).traceId() + "\n");
        for (OtlpReceiver.Received r : spans) {
            var span = r.span();
            int depth = 0;
            for (String parent = r.parentSpanId(); !parent.isEmpty(); depth++) {
                String p = parent;
                parent = spans.stream().filter(x -> x.spanId().equals(p)).findFirst().map(OtlpReceiver.Received::parentSpanId)
                        .orElse("");
            }
            text.append(String.format("%8.1f ms  %8.1f ms  %s%-16s %-9s %s%n",
                    (span.getStartTimeUnixNano() - t0) / 1e6, (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6,
                    "  ".repeat(depth), r.serviceName(), span.getKind().name().replace("SPAN_KIND_", ""), span.getName()));
        }
        java.nio.file.Path out = java.nio.file.Path.of("target", "trace", "notification-trace.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, "   start  duration  span\n" + text);
    }

    private static String describe(List<OtlpReceiver.Received> spans) {
        return spans.stream().map(s -> s.serviceName() + ":" + s.span().getKind() + ":" + s.span().getName() + " "
                + s.traceId() + "/" + s.spanId() + "<-" + s.parentSpanId()).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The topic's first record, as a Notification. */
    private static Notification readNotification(LocalKafkaBroker kafka, String topic) throws Exception {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            c.assign(Set.of(p));
            c.seekToBeginning(Set.of(p));
            // Each poll waits up to 200 ms for records itself; the consumer is used from this thread only.
            ConsumerRecords<String, byte[]> records = Await.value("a record in " + topic,
                    () -> Optional.of(c.poll(Duration.ofMillis(200))).filter(r -> !r.isEmpty()),
                    Duration.ofSeconds(30), Duration.ZERO);
            return Notification.parseFrom(records.iterator().next().value());
        }
    }
}
