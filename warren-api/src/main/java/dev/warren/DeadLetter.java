package dev.warren;

import java.time.Instant;

/**
 * An event in a subscription's dead-letter queue, with why it got there.
 *
 * @param id the dead letter's id within the queue: the event id
 * @param event the event, with its original data and attributes
 * @param subscription the subscription it failed in
 * @param routingKey the routing key it was first published with
 * @param attempts how many times the handler ran for it
 * @param errorType class name of the last failure
 * @param errorMessage message of the last failure
 * @param stackTrace trimmed stack trace of the last failure
 * @param firstFailure when it first failed
 * @param lastFailure when it last failed
 * @param replays how many times it was replayed before
 */
public record DeadLetter(
    String id,
    Event event,
    String subscription,
    String routingKey,
    long attempts,
    String errorType,
    String errorMessage,
    String stackTrace,
    Instant firstFailure,
    Instant lastFailure,
    long replays) {}
