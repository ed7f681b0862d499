package dev.warren.internal.engine;

import dev.warren.Event;

/**
 * What a subscription runs for each event: the user's handler, with the event's data decoded when
 * it is typed. What it returns is the reply of a responder ({@code Warren.respond}); a plain
 * subscription returns {@code null}.
 */
@FunctionalInterface
interface EventFunction {
  /**
   * @param event the event
   * @return the reply, or {@code null}
   * @throws Exception what the handler threw: the subscription's retry policy decides
   */
  Object apply(Event event) throws Exception;
}
