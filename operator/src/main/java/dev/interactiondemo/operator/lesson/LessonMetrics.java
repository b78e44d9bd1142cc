package dev.interactiondemo.operator.lesson;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code interactiondemo_lesson_verdicts_total{lesson, verdict}}: lesson runs ended, by catalogue lesson
 * ({@code custom} for a lesson of its own steps) and how they ended (Passed, Failed, Aborted). Its labels take a
 * bounded set of values, whatever the number of lessons.
 */
final class LessonMetrics {
    static final String VERDICTS = "interactiondemo_lesson_verdicts";

    private final MeterRegistry registry;

    LessonMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A run of {@code lesson} ended with {@code verdict}. */
    void ended(String lesson, String verdict) {
        Counter.builder(VERDICTS).description("Lesson runs ended, by lesson and verdict")
                .tag("lesson", lesson == null ? "custom" : lesson).tag("verdict", verdict)
                .register(registry).increment();
    }
}
