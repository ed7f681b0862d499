package dev.warren.tasks;

/**
 * Why a task failed.
 *
 * @param type the exception's class name, for example {@code java.io.IOException}
 * @param message its message, trimmed
 * @param trace its stack trace, trimmed to a few thousand characters
 */
public record TaskError(String type, String message, String trace) {}
