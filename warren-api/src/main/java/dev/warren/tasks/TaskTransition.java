package dev.warren.tasks;

import java.time.Instant;

/**
 * One change of a task's state.
 *
 * @param state the state entered
 * @param at when
 * @param worker the instance id of the worker (or submitter/revoker) that made the change
 * @param attempt the attempt number at the time (0 before the first run)
 * @param detail a short reason, for example the error of a retry; may be {@code null}
 */
public record TaskTransition(
    TaskState state, Instant at, String worker, int attempt, String detail) {}
