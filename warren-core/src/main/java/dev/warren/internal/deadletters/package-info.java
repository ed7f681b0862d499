/**
 * Dead letters: what happens to an event that failed for good ({@link
 * dev.warren.internal.deadletters.DeadLetterPublisher}: moved to {@code <subscription>.dlq} with
 * the error in its headers, described by a {@link dev.warren.internal.deadletters.Failure}), and
 * the operations on a dead-letter queue ({@link dev.warren.internal.deadletters.DeadLettersImpl}:
 * peek, replay, purge).
 */
package dev.warren.internal.deadletters;
