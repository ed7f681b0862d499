package dev.warren.test;

import dev.warren.DeadLetter;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Outcome;
import dev.warren.memory.EmbeddedBroker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs Warren in a test: on an embedded broker of its own, with a virtual clock, so that delayed
 * retries, task countdowns and ETAs, and message and queue TTLs wait for {@link #advance} instead
 * of real time, and with race-free waits: {@link #awaitIdle()} returns once nothing moves any more,
 * not after a guessed sleep.
 *
 * <p>A JUnit 5 extension: registered on an instance field it starts before each test and closes
 * after it; on a static field it lives for the whole class. Without JUnit, {@link #warren()} starts
 * it and {@link #close()} ends it.
 *
 * <pre>{@code
 * @RegisterExtension WarrenHarness harness = WarrenHarness.create();
 *
 * @Test
 * void billingRetriesUntilThePaymentServiceAnswers() {
 *   Warren warren = harness.warren();
 *   warren.subscribe(Subscription.named("billing").pattern("order.placed")
 *       .retry(RetryPolicy.builder().delays(Duration.ofMinutes(1), Duration.ofMinutes(10)).build()),
 *       billing::charge);
 *   Event placed = warren.publish("order.placed", order).join();
 *
 *   harness.advance(Duration.ofMinutes(11));   // milliseconds of real time
 *   harness.awaitHandled("billing", placed.id());
 *   assertThat(harness.awaitPublished("payment.captured").data(Payment.class).orderId())
 *       .isEqualTo(order.id());
 * }
 * }</pre>
 *
 * <p>Every wait gives up after the harness's timeout (10 s unless {@link Builder#timeout} sets
 * another) with an {@link AssertionError} that says what is still pending. A wait that can tell its
 * answer will not change (nothing moves, no timer is due) fails at once rather than at the timeout.
 *
 * <p>The harness watches what is published through a subscription of its own, {@value
 * #PUBLISHED_SUBSCRIPTION}, bound to every event type; and it learns what subscriptions handled
 * from Warren's lineage, which must stay on. Ordered subscriptions retry in place, holding their
 * partition and the delivery: their retry delays pass on the virtual clock too, and a delivery so
 * held counts as waiting for the clock, not as moving.
 */
public final class WarrenHarness
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AutoCloseable {
  /** The name of the harness's own subscription that records every published event. */
  public static final String PUBLISHED_SUBSCRIPTION = "warren-test.published";

  /** How long, once nothing moves, lineage is given to write what it recorded. */
  private static final Duration LINEAGE_GRACE = Duration.ofSeconds(2);

  /**
   * How long one wait for the broker lasts before the clock's due timers are run again. why: a
   * timer set due at once (a zero TTL) can only run on the harness's thread
   */
  private static final Duration SLICE = Duration.ofMillis(10);

  private final WarrenOptions base;
  private final Duration timeout;
  private final Instant start;
  private final Object stateLock = new Object();
  private final List<Event> published = new ArrayList<>();

  private VirtualClock clock;
  private Warren warren;
  private EmbeddedBroker broker;
  private boolean perClass;

  private WarrenHarness(Builder b) {
    this.base = b.options;
    this.timeout = b.timeout;
    this.start = b.start;
  }

  /**
   * @return a harness with the default options, a 10 s timeout and a clock starting now
   */
  public static WarrenHarness create() {
    return builder().build();
  }

  /**
   * @return a builder for a harness with other options, timeout or start time
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the instance under test, started on first use: the embedded transport, a broker of this
   *     harness's own and its virtual clock
   */
  public Warren warren() {
    synchronized (stateLock) {
      if (warren == null) {
        start();
      }
      return warren;
    }
  }

  private void start() {
    String name = "warren-test-" + UUID.randomUUID().toString().substring(0, 8);
    clock = new VirtualClock(start == null ? Instant.now().truncatedTo(ChronoUnit.MILLIS) : start);
    WarrenOptions.Builder options =
        base.toBuilder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .memoryBroker(name)
            .clock(clock);
    Warren started = Warren.create(options.build());
    try {
      broker =
          EmbeddedBroker.named(name)
              .orElseThrow(
                  () -> new WarrenException("the embedded broker " + name + " is missing"));
      started.subscribe(
          Subscription.named(PUBLISHED_SUBSCRIPTION).pattern("#"),
          event -> {
            synchronized (published) {
              published.add(event);
            }
          });
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    warren = started;
  }

  /**
   * @return the virtual time: the start time plus every {@link #advance}
   */
  public Instant now() {
    warren();
    return clock.instant();
  }

  /**
   * Moves the virtual clock on, running what falls due on the way in order: each timer that is due
   * (a retry, a task's countdown or ETA, a TTL) runs at its time, and what it starts is let finish
   * before the clock moves to the next one, so a retry due after 1 minute and the next one 10
   * minutes after that both run within {@code advance(Duration.ofMinutes(11))}. Returns once
   * nothing moves at the new time ({@link #awaitIdle()}).
   *
   * @param duration how far; zero only waits for idle
   * @throws InvalidInputException when the duration is negative
   * @throws AssertionError when something still moves after the timeout, at any step
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new InvalidInputException("cannot advance the clock by " + duration + ": negative");
    }
    warren();
    awaitIdle();
    Instant target = clock.instant().plus(duration);
    while (true) {
      Optional<Instant> next = clock.nextDue();
      if (next.isEmpty() || next.get().isAfter(target)) {
        break;
      }
      clock.moveTo(next.get());
      awaitIdle();
    }
    clock.moveTo(target);
    awaitIdle();
  }

  /**
   * Waits until nothing moves: no message is ready for a consumer, delivered and not yet settled,
   * on its way to a dead-letter queue, or waiting in a wait queue (a delayed retry, a task's
   * countdown) due at or before the virtual now. A chain, where a handler publishes the next event,
   * is finished: each step's publish reaches the broker before its own delivery is acknowledged.
   *
   * @throws AssertionError when something still moves after the harness's timeout, saying what
   */
  public void awaitIdle() {
    warren();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!settle()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(
            "Warren did not become idle within "
                + timeout
                + " (virtual time "
                + clock.instant()
                + "); still pending: "
                + String.join("; ", broker.pending()));
      }
    }
  }

  /**
   * Runs the timers due now and waits a slice for the broker.
   *
   * @return whether nothing moves and no timer is due
   */
  private boolean settle() {
    clock.runDue();
    try {
      return broker.awaitIdle(SLICE) && !clock.hasDue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for Warren to become idle", e);
    }
  }

  /**
   * Waits for an event of a type to be published (by the test, a handler or a task), since the
   * harness started.
   *
   * @param type the event type
   * @return the first such event
   * @throws AssertionError when none was published within the timeout, or none was and nothing
   *     moves any more (then at once), listing the types that were
   */
  public Event awaitPublished(String type) {
    Objects.requireNonNull(type, "type");
    warren();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Event> found = firstPublished(type);
      if (found.isPresent()) {
        return found.get();
      }
      boolean idle = settle();
      found = firstPublished(type);
      if (found.isPresent()) {
        return found.get();
      }
      if (idle) {
        throw new AssertionError(
            "no event of type '"
                + type
                + "' was published and nothing moves any more"
                + nextTimer()
                + "; published: "
                + publishedTypes());
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(
            "no event of type '"
                + type
                + "' was published within "
                + timeout
                + "; published: "
                + publishedTypes()
                + "; still pending: "
                + String.join("; ", broker.pending()));
      }
    }
  }

  /**
   * @param type an event type
   * @return every event of that type published since the harness started, in the order seen
   */
  public List<Event> published(String type) {
    Objects.requireNonNull(type, "type");
    synchronized (published) {
      return published.stream().filter(e -> e.type().equals(type)).toList();
    }
  }

  private Optional<Event> firstPublished(String type) {
    synchronized (published) {
      return published.stream().filter(e -> e.type().equals(type)).findFirst();
    }
  }

  private List<String> publishedTypes() {
    synchronized (published) {
      return published.stream().map(Event::type).distinct().toList();
    }
  }

  private String nextTimer() {
    return clock
        .nextDue()
        .map(
            due ->
                " (the next timer is due in "
                    + Duration.between(clock.instant(), due)
                    + ": advance the clock)")
        .orElse("");
  }

  /**
   * Waits until a subscription handled an event: its handler returned and the delivery was
   * acknowledged.
   *
   * @param subscription the subscription's name
   * @param eventId the event's id
   * @return what lineage recorded of the delivery: attempts, handler time, every step
   * @throws AssertionError when the subscription dead-lettered the event, or did not handle it
   *     within the timeout, or nothing moves any more and it was not handled
   */
  public Delivery awaitHandled(String subscription, String eventId) {
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(eventId, "eventId");
    warren();
    long deadline = System.nanoTime() + timeout.toNanos();
    long idleSince = 0;
    while (true) {
      Optional<Delivery> delivery = delivery(subscription, eventId);
      if (delivery.isPresent() && delivery.get().outcome() == Outcome.HANDLED) {
        return delivery.get();
      }
      if (delivery.isPresent() && delivery.get().outcome() == Outcome.DEAD_LETTERED) {
        throw new AssertionError(
            "subscription '"
                + subscription
                + "' dead-lettered event "
                + eventId
                + " after "
                + delivery.get().retries()
                + " retries: "
                + delivery.get().error());
      }
      boolean idle = settle();
      long now = System.nanoTime();
      // why: lineage is written off the hot path, a little after the acknowledgement
      idleSince = idle ? (idleSince == 0 ? now : idleSince) : 0;
      if (idle && now - idleSince >= LINEAGE_GRACE.toNanos()) {
        throw new AssertionError(
            "subscription '"
                + subscription
                + "' did not handle event "
                + eventId
                + " and nothing moves any more"
                + nextTimer()
                + "; what it did: "
                + delivery.map(Delivery::toString).orElse("nothing recorded"));
      }
      if (now - deadline >= 0) {
        throw new AssertionError(
            "subscription '"
                + subscription
                + "' did not handle event "
                + eventId
                + " within "
                + timeout
                + "; what it did: "
                + delivery.map(Delivery::toString).orElse("nothing recorded")
                + "; still pending: "
                + String.join("; ", broker.pending()));
      }
      if (idle) {
        pause();
      }
    }
  }

  private Optional<Delivery> delivery(String subscription, String eventId) {
    return warren.lineage().event(eventId).map(EventRecord::deliveries).stream()
        .flatMap(List::stream)
        .filter(d -> d.subscription().equals(subscription))
        .findFirst();
  }

  /**
   * Waits a slice while the broker is idle and lineage may still be writing. why: lineage offers no
   * signal when it has written; this wait is bounded by {@link #LINEAGE_GRACE}
   */
  private void pause() {
    try {
      TimeUnit.NANOSECONDS.sleep(SLICE.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for lineage", e);
    }
  }

  /**
   * The dead letters of a subscription once nothing moves ({@link #awaitIdle()} first), oldest
   * first.
   *
   * @param subscription the subscription's name
   * @return its dead letters; they stay in its dead-letter queue
   */
  public List<DeadLetter> deadLetters(String subscription) {
    awaitIdle();
    dev.warren.DeadLetters letters = warren.deadLetters(subscription);
    long count = letters.count();
    return count == 0 ? List.of() : letters.peek((int) Math.min(count, Integer.MAX_VALUE));
  }

  /**
   * Closes the instance and deletes the harness's broker; a later {@link #warren()} starts anew.
   */
  @Override
  public void close() {
    synchronized (stateLock) {
      if (warren == null) {
        return;
      }
      try {
        warren.close();
      } finally {
        broker.close();
        warren = null;
        broker = null;
        synchronized (published) {
          published.clear();
        }
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // why: a static field's harness serves the whole class; an instance field's, one test
    perClass = true;
    warren();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    warren();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      close();
    }
  }

  /** Builds a {@link WarrenHarness}. */
  public static final class Builder {
    private WarrenOptions options = WarrenOptions.builder().build();
    private Duration timeout = Duration.ofSeconds(10);
    private Instant start;

    private Builder() {}

    /**
     * @param options the instance's options (codec, exchange, prefetch…); the harness replaces the
     *     transport, the broker and the clock
     * @return this builder
     */
    public Builder options(WarrenOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * @param timeout how long each wait lasts at most, in real time
     * @return this builder
     * @throws InvalidInputException when it is not positive
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new InvalidInputException("harness timeout " + timeout + " must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * @param start the virtual time the clock starts at, not before the real time; by default the
     *     real time at start
     * @return this builder
     * @throws InvalidInputException when it is before the real time
     */
    public Builder startingAt(Instant start) {
      Objects.requireNonNull(start, "start");
      if (start.isBefore(Instant.now())) {
        // why: the in-memory task store expires results on the real clock; a virtual time behind
        // it would make every finished task's result expire at once
        throw new InvalidInputException(
            "harness start time " + start + " is before the real time; use a later one");
      }
      this.start = start;
      return this;
    }

    /**
     * @return the harness, not started yet
     */
    public WarrenHarness build() {
      return new WarrenHarness(this);
    }
  }
}
