package dev.warren.cli.worker;

import dev.warren.Event;
import java.util.List;

/** Where a worker sends each event: an HTTP endpoint or a command. */
interface Target {
  /**
   * Hands one event over and waits for the outcome.
   *
   * @param event the event being handled
   * @return the replies the target answered with, to publish as caused by {@code event}
   * @throws dev.warren.cli.targets.TargetFailedException when the target reports a failure (status,
   *     exit code, timeout)
   * @throws InterruptedException when the worker stops while waiting
   */
  List<Event> send(Event event) throws InterruptedException;

  /**
   * @return what the target is, for messages, for example {@code POST http://localhost:8080/hook}
   */
  String describe();
}
