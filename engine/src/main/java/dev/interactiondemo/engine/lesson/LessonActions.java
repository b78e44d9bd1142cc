package dev.interactiondemo.engine.lesson;

import dev.interactiondemo.api.lesson.SwitchedField;

import java.time.Duration;
import java.util.List;

/**
 * What the runner of a lesson (the operator or the sandbox) does after a look; the lesson's status already says it.
 *
 * @param inForce    the switched fields with the values that must be in force now (empty: none)
 * @param restore    give every switched field back now ({@link SwitchedField#getBefore()}), then report
 *                   {@link LessonRunner#restored}
 * @param rewind     move the Workers' group back by this many messages per partition now, then report
 *                   {@link LessonRunner#rewound}; null for none
 * @param events     what happened at this look, one line each (the operator makes each an Event, the sandbox prints it)
 * @param failed     whether an event is a failure (a Warning)
 * @param lookAgain  when to look again
 */
public record LessonActions(List<SwitchedField> inForce, boolean restore, Integer rewind, List<String> events,
                            boolean failed, Duration lookAgain) {
}
