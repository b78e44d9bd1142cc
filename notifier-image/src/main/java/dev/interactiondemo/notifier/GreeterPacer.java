package dev.interactiondemo.notifier;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.interactiondemo.common.Threads;
import dev.interactiondemo.common.Tracing;
import dev.interactiondemo.greet.GreeterGrpc;
import dev.interactiondemo.greet.HelloReply;
import dev.interactiondemo.greet.HelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The Host's {@code host-pacer} thread and its Greeter calls: at the configured rate it picks the next recipient,
 * starts the notification's span, calls {@code Greeter.SayHello} with a deadline (one blocking call at a time in
 * {@code sync} mode, up to {@code maxInFlight} outstanding in {@code async} mode), retries a failed call with
 * exponential backoff, and hands each greeting to the {@link KafkaPublisher}. It makes no new call while the
 * publisher holds back.
 */
final class GreeterPacer {
    /** Logs as the Host: its lines keep their logger name. */
    private static final Logger LOG = LoggerFactory.getLogger(NotificationHost.class);
    /** Codes worth retrying: the Greeter is down, slow or overloaded. Others mean the request itself is bad. */
    private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.UNKNOWN,
            Status.Code.INTERNAL, Status.Code.CANCELLED);
    /** How often the pacer looks again while it holds back (backpressure). */
    private static final long HOLD_BACK_NANOS = 50_000_000L;

    private final NotifierConfig.Host config;
    private final ManagedChannel channel;
    private final Tracer tracer;
    private final ScheduledExecutorService retries;
    private final Semaphore inFlight;
    private final HostMeters meters;
    private final KafkaPublisher publisher;
    private final Thread pacer;
    private volatile boolean running = true;
    private final AtomicReference<String> greeterProblem = new AtomicReference<>("no call to the Greeter yet");
    private final AtomicInteger nextRecipient = new AtomicInteger();

    /**
     * @param inFlight {@link #callPermits} permits, one taken per call under way
     */
    GreeterPacer(NotifierConfig.Host config, OpenTelemetry openTelemetry, Semaphore inFlight, HostMeters meters,
                 KafkaPublisher publisher) {
        this.config = config;
        this.tracer = openTelemetry.getTracer("dev.interactiondemo.notifier");
        var channelBuilder = Grpc.newChannelBuilder(config.greeterTarget(), InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("round_robin");
        if (Tracing.records(openTelemetry)) {
            channelBuilder.intercept(GrpcTelemetry.create(openTelemetry).createClientInterceptor());
        }
        this.channel = channelBuilder.build();
        this.retries = Executors.newSingleThreadScheduledExecutor(Threads.daemon("host-retries"));
        this.inFlight = inFlight;
        this.meters = meters;
        this.publisher = publisher;
        this.pacer = new Thread(this::pace, "host-pacer");
    }

    /** How many Greeter calls may be under way at once: 1 in {@code sync} mode, else {@code maxInFlight}. */
    static int callPermits(NotifierConfig.Host config) {
        return config.callMode() == NotifierConfig.CallMode.SYNC ? 1 : config.maxInFlight();
    }

    void start() {
        pacer.start();
    }

    /** Why the Greeter does not greet now; null when its last call succeeded. */
    String problem() {
        return greeterProblem.get();
    }

    /**
     * Makes no new call, lets calls under way become notifications until a {@link System#nanoTime()} deadline, then
     * cancels those still under way.
     */
    void stop(long deadlineNanos) {
        running = false;
        LockSupport.unpark(pacer);
        try {
            pacer.join(NotificationHost.millisUntil(deadlineNanos));
            inFlight.tryAcquire(callPermits(config), NotificationHost.millisUntil(deadlineNanos),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.shutdownNow();
        channel.shutdownNow(); // cancels calls still under way
    }

    private void pace() {
        long interval = (long) (1_000_000_000L / config.rate());
        long next = System.nanoTime();
        while (running) {
            // Backpressure: no new notification while Kafka takes none (its producer is being replaced) or while
            // maxPending of them wait for its acknowledgement.
            while (running && publisher.holdsBack()) {
                LockSupport.parkNanos(HOLD_BACK_NANOS);
            }
            if (!running) {
                break;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                if (!running) {
                    break;
                }
                if (System.nanoTime() < next) {
                    continue;
                }
            }
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                break;
            }
            String recipient = config.recipients().get(
                    Math.floorMod(nextRecipient.getAndIncrement(), config.recipients().size()));
            Context trace = Context.root().with(tracer.spanBuilder("notify " + recipient).setNoParent()
                    .setSpanKind(SpanKind.INTERNAL).setAttribute("notification.recipient", recipient).startSpan());
            if (config.callMode() == NotifierConfig.CallMode.SYNC) {
                greetBlocking(recipient, trace);
                inFlight.release();
            } else {
                greetAsync(recipient, new Backoff(config.retryBackoff(), config.retryBackoffMax()), trace);
            }
            next += interval;
            long now = System.nanoTime();
            if (next < now - interval) {
                next = now; // after a stall, carry on at the rate rather than bursting to catch up
            }
        }
    }

    /** Calls until greeted (then publishes), given up, or stopped; ends the notification's span either way. */
    private void greetBlocking(String recipient, Context trace) {
        Backoff backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
        while (running) {
            long start = System.nanoTime();
            meters.greeterCalls.increment();
            HelloReply reply;
            try (Scope ignored = trace.makeCurrent()) { // the call's CLIENT span is a child of the notification's
                reply = GreeterGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(config.greeterDeadline().toMillis(), TimeUnit.MILLISECONDS)
                        .sayHello(HelloRequest.newBuilder().setName(recipient).build());
            } catch (StatusRuntimeException e) {
                if (!greeterFailed(recipient, e, trace)) {
                    return;
                }
                sleep(backoff.next());
                continue;
            }
            greeted(recipient, reply, System.nanoTime() - start, trace);
            return;
        }
        endTrace(trace, "stopped before the Greeter answered");
    }

    private void greetAsync(String recipient, Backoff backoff, Context trace) {
        if (!running) {
            endTrace(trace, "stopped before the Greeter answered");
            inFlight.release();
            return;
        }
        long start = System.nanoTime();
        meters.greeterCalls.increment();
        ListenableFuture<HelloReply> call;
        try (Scope ignored = trace.makeCurrent()) { // the call's CLIENT span is a child of the notification's
            call = GreeterGrpc.newFutureStub(channel)
                    .withDeadlineAfter(config.greeterDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .sayHello(HelloRequest.newBuilder().setName(recipient).build());
        }
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(HelloReply reply) {
                try {
                    greeted(recipient, reply, System.nanoTime() - start, trace);
                } finally {
                    inFlight.release();
                }
            }

            @Override
            public void onFailure(Throwable t) {
                if (!running) {
                    endTrace(trace, "stopped before the Greeter answered");
                    inFlight.release();
                } else if (greeterFailed(recipient, t, trace)) {
                    retries.schedule(() -> greetAsync(recipient, backoff, trace), backoff.next().toMillis(),
                            TimeUnit.MILLISECONDS);
                } else {
                    inFlight.release();
                }
            }
        }, Runnable::run);
    }

    /** Counts a failed call; returns whether to retry it (if not, the notification's span ends here). */
    private boolean greeterFailed(String recipient, Throwable t, Context trace) {
        Status status = Status.fromThrowable(t);
        meters.greeterFailed(status.getCode());
        boolean retry = RETRYABLE.contains(status.getCode());
        String problem = "greeter: " + status.getCode() + (status.getDescription() == null ? ""
                : " (" + status.getDescription() + ")");
        if (!problem.equals(greeterProblem.getAndSet(problem))) {
            try (TraceLog.Scope ignored = TraceLog.put(traceId(trace))) {
                LOG.warn("SayHello({}) failed: {}; {}", recipient, problem, retry ? "retrying with backoff"
                        : "giving up");
            }
        }
        if (!retry) {
            endTrace(trace, "the Greeter answered " + status.getCode() + ": nothing published");
        }
        return retry;
    }

    /** Greeted: publishes (unless shutdown gave up on Kafka), then ends the notification's span. */
    private void greeted(String recipient, HelloReply reply, long latencyNanos, Context trace) {
        meters.greeted(latencyNanos);
        if (greeterProblem.getAndSet(null) != null) {
            LOG.info("Greeter answering");
        }
        if (publisher.stopped()) {
            endTrace(trace, "stopped: Kafka no longer taking notifications");
            return;
        }
        publisher.publish(recipient, reply.getMessage(), latencyNanos, trace);
        endTrace(trace, null);
    }

    private static String traceId(Context trace) {
        return TraceLog.traceId(Span.fromContext(trace).getSpanContext());
    }

    /** Ends a notification's span; {@code error} (else null) says why nothing was published. */
    private static void endTrace(Context trace, String error) {
        Span span = Span.fromContext(trace);
        if (error != null) {
            span.setStatus(StatusCode.ERROR, error);
        }
        span.end();
    }

    private static void sleep(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
