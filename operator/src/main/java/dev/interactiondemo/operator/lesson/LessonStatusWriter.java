package dev.interactiondemo.operator.lesson;

import dev.interactiondemo.api.lesson.InteractionLesson;
import dev.interactiondemo.api.lesson.InteractionLessonStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a lesson's status as the operator writes a demo's: server-side apply of the status subresource, as the
 * operator's field manager, and only when it says something new.
 */
final class LessonStatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LessonStatusWriter.class);
    private static final int HTTP_NOT_FOUND = 404;

    private LessonStatusWriter() {
    }

    /** A deep copy of a status (the runner changes the one it is given); null for null. */
    static InteractionLessonStatus copy(InteractionLessonStatus status) {
        return status == null ? null
                : Serialization.unmarshal(Serialization.asJson(status), InteractionLessonStatus.class);
    }

    /** Whether two statuses say the same. */
    static boolean same(InteractionLessonStatus a, InteractionLessonStatus b) {
        return a == null ? b == null : b != null && Serialization.asJson(a).equals(Serialization.asJson(b));
    }

    /**
     * Writes {@code next} unless the lesson's status already says it.
     *
     * @return false when the lesson was deleted meanwhile
     */
    static boolean write(InteractionLesson lesson, InteractionLessonStatus next, Context<InteractionLesson> context) {
        if (same(lesson.getStatus(), next)) {
            return true;
        }
        InteractionLesson patch = new InteractionLesson();
        patch.setMetadata(new ObjectMetaBuilder().withName(lesson.getMetadata().getName())
                .withNamespace(lesson.getMetadata().getNamespace()).build());
        patch.setStatus(next);
        try {
            PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(lesson, patch, context);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.info("Lesson {}/{} was deleted while its status was being written",
                    lesson.getMetadata().getNamespace(), lesson.getMetadata().getName());
            return false;
        }
        lesson.setStatus(next);
        return true;
    }
}
