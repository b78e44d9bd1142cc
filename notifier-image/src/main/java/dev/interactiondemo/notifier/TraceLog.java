package dev.interactiondemo.notifier;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * The trace id in the log lines about a notification: MDC key {@code trace_id}, the same id as in the
 * {@code Notification} and in the trace (the JSON log format prints the MDC; see common's logback configuration).
 */
final class TraceLog {
    static final String MDC_KEY = "trace_id";

    /** Undoes {@link #put}. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private TraceLog() {
    }

    /** {@code trace_id} in the MDC until the scope closes; nothing when {@code traceId} is empty (no tracing). */
    static Scope put(String traceId) {
        if (traceId.isEmpty()) {
            return () -> { };
        }
        String before = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, traceId);
        return () -> {
            if (before == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, before);
            }
        };
    }

    /** The trace id of a span, or empty when it is not traced (OpenTelemetry off). */
    static String traceId(SpanContext span) {
        return span.isValid() ? span.getTraceId() : "";
    }
}
