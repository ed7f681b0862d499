package dev.warren.cli;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A Warren instance with a broadcast subscription that records what it receives, for checks. */
final class Recorder implements AutoCloseable {
  private final Warren warren;
  private final SubscriptionHandle handle;
  private final List<Event> events = new CopyOnWriteArrayList<>();

  private Recorder(String pattern) {
    warren = Warren.create(WarrenOptions.fromEnvironment(Cli.MEMORY));
    handle =
        warren.subscribe(
            Subscription.named("recorder-" + UUID.randomUUID()).pattern(pattern).broadcast(),
            events::add);
  }

  static Recorder recording(String pattern) {
    return new Recorder(pattern);
  }

  Warren warren() {
    return warren;
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  /** Waits until {@code n} received events match, and returns them. */
  List<Event> await(int n, Predicate<Event> which) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<Event> matching = events.stream().filter(which).toList();
      if (matching.size() >= n) {
        return matching;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("received " + events + ", expected " + n + " matching events");
  }

  /** Gives stray events time to arrive, then returns the matching ones. */
  List<Event> settle(Predicate<Event> which) throws InterruptedException {
    Thread.sleep(300);
    return events.stream().filter(which).toList();
  }

  @Override
  public void close() {
    handle.close();
    warren.close();
  }
}
