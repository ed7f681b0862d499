package dev.warren.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.DeadLetter;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueueInfo;
import dev.warren.lineage.Delivery;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness on its own: virtual time, race-free waits and what its failures say. */
class WarrenHarnessTest {
  @RegisterExtension WarrenHarness harness = WarrenHarness.create();

  record Order(String id, long cents) {}

  @Test
  void delayedRetriesOfMinutesRunWhenTheClockIsAdvancedNotInRealTime() {
    Warren warren = harness.warren();
    AtomicInteger attempts = new AtomicInteger();
    warren.subscribe(
        Subscription.named("billing")
            .pattern("order.placed")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .delays(Duration.ofMinutes(1), Duration.ofMinutes(10))
                    .jitter(0)
                    .build()),
        event -> {
          if (attempts.incrementAndGet() < 3) {
            throw new IllegalStateException("payment service unavailable");
          }
        });
    long realStart = System.nanoTime();
    Event placed = warren.publish("order.placed", new Order("o-1", 1250)).join();

    harness.awaitIdle();
    assertThat(attempts).as("the first attempt ran, the retry waits").hasValue(1);
    harness.advance(Duration.ofSeconds(59));
    assertThat(attempts).as("the first retry is due after 1 min").hasValue(1);
    harness.advance(Duration.ofSeconds(1));
    assertThat(attempts).as("the first retry ran at 1 min").hasValue(2);
    harness.advance(Duration.ofMinutes(9).plusSeconds(59));
    assertThat(attempts).as("the second retry is due 10 min after the first").hasValue(2);
    harness.advance(Duration.ofSeconds(1));

    Delivery handled = harness.awaitHandled("billing", placed.id());
    assertThat(attempts).hasValue(3);
    assertThat(handled.retries()).isEqualTo(2);
    assertThat(Duration.ofNanos(System.nanoTime() - realStart))
        .as("11 virtual minutes in real time")
        .isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void oneAdvanceRunsEachRetryAtItsOwnTime() {
    Warren warren = harness.warren();
    List<Instant> triedAt = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named("billing")
            .pattern("order.placed")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .delays(Duration.ofMinutes(1), Duration.ofMinutes(10))
                    .jitter(0)
                    .build()),
        event -> {
          triedAt.add(harness.now());
          if (triedAt.size() < 3) {
            throw new IllegalStateException("payment service unavailable");
          }
        });
    Instant start = harness.now();
    Event placed = warren.publish("order.placed", new Order("o-2", 990)).join();

    harness.advance(Duration.ofMinutes(11));

    harness.awaitHandled("billing", placed.id());
    assertThat(triedAt).hasSize(3);
    assertThat(Duration.between(start, triedAt.get(1)))
        .isBetween(Duration.ofMinutes(1), Duration.ofMinutes(1).plusMillis(20));
    assertThat(Duration.between(start, triedAt.get(2)))
        .isBetween(Duration.ofMinutes(11), Duration.ofMinutes(11).plusMillis(40));
  }

  record AccountEntry(@dev.warren.PartitionKey String account, int seq) {}

  @Test
  void anOrderedSubscriptionRetriesInPlaceOnTheVirtualClockHoldingItsPartition() {
    Warren warren = harness.warren();
    List<String> handled = new CopyOnWriteArrayList<>();
    List<Instant> firstTriedAt = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named("ledger")
            .pattern("entry.posted")
            .ordered()
            .partitions(1)
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .delays(Duration.ofMinutes(5), Duration.ofMinutes(30))
                    .jitter(0)
                    .build()),
        AccountEntry.class,
        (entry, event) -> {
          if (entry.seq() == 1) {
            firstTriedAt.add(harness.now());
            if (firstTriedAt.size() < 3) {
              throw new IllegalStateException("ledger locked");
            }
          }
          handled.add(entry.account() + "#" + entry.seq());
        });
    Instant start = harness.now();
    Event first = warren.publish("entry.posted", new AccountEntry("acc-1", 1)).join();
    Event second = warren.publish("entry.posted", new AccountEntry("acc-1", 2)).join();

    harness.awaitIdle();
    assertThat(firstTriedAt).as("the first attempt ran, its retry waits for the clock").hasSize(1);
    assertThat(handled).as("the second entry waits behind the first").isEmpty();
    harness.advance(Duration.ofMinutes(4));
    assertThat(firstTriedAt).as("the first retry is due after 5 min").hasSize(1);

    harness.advance(Duration.ofMinutes(31));

    System.err.println(
        "DEBUG " + firstTriedAt + " " + handled + " start " + start + " now " + harness.now());
    harness.awaitHandled("ledger", second.id());
    assertThat(harness.awaitHandled("ledger", first.id()).retries()).isEqualTo(2);
    assertThat(handled).containsExactly("acc-1#1", "acc-1#2");
    assertThat(Duration.between(start, firstTriedAt.get(1)))
        .isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusMillis(20));
    assertThat(Duration.between(start, firstTriedAt.get(2)))
        .isBetween(Duration.ofMinutes(35), Duration.ofMinutes(35).plusMillis(40));
  }

  @Test
  void aTaskWithACountdownRunsWhenTheClockReachesIt() {
    Warren warren = harness.warren();
    warren.tasks().register("report.build", String.class, month -> "report of " + month);

    TaskHandle<String> task =
        warren
            .tasks()
            .submit(
                "report.build",
                "2026-11",
                String.class,
                TaskOptions.builder().countdown(Duration.ofMinutes(30)).build());
    harness.advance(Duration.ofMinutes(29));
    assertThat(task.status().state()).isEqualTo(TaskState.SCHEDULED);

    harness.advance(Duration.ofMinutes(1));
    assertThat(task.status().state()).isEqualTo(TaskState.SUCCESS);
    assertThat(task.result(String.class, Duration.ofSeconds(1))).isEqualTo("report of 2026-11");
  }

  @Test
  void aTaskWithAnEtaAndItsRetryRunOnTheVirtualClock() {
    Warren warren = harness.warren();
    List<Instant> ranAt = new CopyOnWriteArrayList<>();
    warren
        .tasks()
        .register(
            "invoice.send",
            String.class,
            id -> {
              ranAt.add(harness.now());
              if (ranAt.size() == 1) {
                throw new IllegalStateException("mail server down");
              }
              return "sent " + id;
            });
    Instant eta = harness.now().plus(Duration.ofHours(2));

    TaskHandle<String> task =
        warren
            .tasks()
            .submit(
                "invoice.send",
                "i-1",
                String.class,
                TaskOptions.builder()
                    .eta(eta)
                    .maxRetries(1)
                    .retryDelay(Duration.ofMinutes(15))
                    .build());
    harness.advance(Duration.ofHours(2).plusMinutes(15));

    assertThat(task.status().state()).isEqualTo(TaskState.SUCCESS);
    assertThat(ranAt).hasSize(2);
    assertThat(Duration.between(eta, ranAt.get(0))).isLessThan(Duration.ofMillis(20));
    assertThat(Duration.between(eta.plus(Duration.ofMinutes(15)), ranAt.get(1)))
        .isLessThan(Duration.ofMillis(40));
  }

  @Test
  void aMessageTtlRunsOutOnTheVirtualClock() {
    Warren warren = harness.warren();
    warren
        .admin()
        .declareQueue(
            QueueDefinition.durable("reminders")
                .binding("reminder.#")
                .messageTtl(Duration.ofMinutes(30))
                .deadLetterQueue("reminders.expired")
                .build());
    warren.publish("reminder.due", Map.of("user", "ada")).join();

    harness.advance(Duration.ofMinutes(29));
    assertThat(messages("reminders")).isEqualTo(1);
    assertThat(messages("reminders.expired")).isZero();

    harness.advance(Duration.ofMinutes(1));
    assertThat(messages("reminders")).isZero();
    assertThat(messages("reminders.expired")).isEqualTo(1);
  }

  private long messages(String queue) {
    return harness.warren().admin().queue(queue).map(QueueInfo::messages).orElseThrow();
  }

  @Test
  void awaitIdleReturnsOnlyOnceAWholeChainOfHandlersRan() {
    Warren warren = harness.warren();
    List<String> mailed = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named("invoicing").pattern("order.placed"),
        event -> warren.publish("invoice.created", event.data(Order.class)).join());
    warren.subscribe(
        Subscription.named("mailer").pattern("invoice.created"),
        event -> warren.publish("mail.sent", event.data(Order.class)).join());
    warren.subscribe(
        Subscription.named("audit").pattern("mail.sent"),
        event -> mailed.add(event.data(Order.class).id()));

    for (int i = 0; i < 50; i++) {
      warren.publish("order.placed", new Order("o-" + i, i)).join();
      harness.awaitIdle();
      assertThat(mailed).as("after order %d", i).hasSize(i + 1);
    }
    assertThat(harness.published("invoice.created")).hasSize(50);
  }

  @Test
  void awaitPublishedReturnsAnEventAHandlerPublished() {
    Warren warren = harness.warren();
    warren.subscribe(
        Subscription.named("invoicing").pattern("order.placed"),
        event -> warren.publish("invoice.created", event.data(Order.class)).join());
    Event placed = warren.publish("order.placed", new Order("o-7", 700)).join();

    Event invoice = harness.awaitPublished("invoice.created");

    assertThat(invoice.data(Order.class)).isEqualTo(new Order("o-7", 700));
    assertThat(invoice.causationIds()).containsExactly(placed.id());
  }

  @Test
  void awaitPublishedFailsAtOnceWhenNothingMovesAndSaysWhatWasPublished() {
    Warren warren = harness.warren();
    warren.publish("order.placed", new Order("o-8", 800)).join();
    long start = System.nanoTime();

    assertThatThrownBy(() -> harness.awaitPublished("invoice.created"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no event of type 'invoice.created' was published")
        .hasMessageContaining("nothing moves any more")
        .hasMessageContaining("[order.placed]");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void awaitPublishedNamesTheTimerThatWouldPublishIt() {
    Warren warren = harness.warren();
    warren.subscribe(
        Subscription.named("invoicing")
            .pattern("order.placed")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .delays(Duration.ofHours(1))
                    .jitter(0)
                    .build()),
        new dev.warren.EventHandler() {
          private final AtomicInteger calls = new AtomicInteger();

          @Override
          public void handle(Event event) {
            if (calls.incrementAndGet() == 1) {
              throw new IllegalStateException("ledger locked");
            }
            warren.publish("invoice.created", event.data(Order.class)).join();
          }
        });
    warren.publish("order.placed", new Order("o-9", 900)).join();

    assertThatThrownBy(() -> harness.awaitPublished("invoice.created"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("advance the clock");
    harness.advance(Duration.ofHours(1));
    assertThat(harness.awaitPublished("invoice.created").data(Order.class).id()).isEqualTo("o-9");
  }

  @Test
  void deadLettersAreThoseOfTheSubscriptionOnceNothingMoves() {
    Warren warren = harness.warren();
    warren.subscribe(
        Subscription.named("shipping").pattern("order.placed").retry(RetryPolicy.none()),
        event -> {
          throw new IllegalArgumentException("no address for " + event.data(Order.class).id());
        });
    harness.advance(Duration.ofHours(5));
    Event placed = warren.publish("order.placed", new Order("o-10", 1000)).join();

    List<DeadLetter> dead = harness.deadLetters("shipping");

    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).lastFailure()).as("on the virtual clock").isEqualTo(harness.now());
    assertThat(dead.get(0).event().id()).isEqualTo(placed.id());
    assertThat(dead.get(0).errorMessage()).isEqualTo("no address for o-10");
    assertThatThrownBy(() -> harness.awaitHandled("shipping", placed.id()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("subscription 'shipping' dead-lettered event " + placed.id())
        .hasMessageContaining("no address for o-10");
  }

  @Test
  void awaitIdleFailsAfterItsTimeoutNamingWhatIsStillInFlight() throws Exception {
    WarrenHarness quick = WarrenHarness.builder().timeout(Duration.ofMillis(300)).build();
    CountDownLatch release = new CountDownLatch(1);
    try {
      Warren warren = quick.warren();
      warren.subscribe(
          Subscription.named("slow").pattern("order.placed"),
          event -> {
            if (!release.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never released");
            }
          });
      warren.publish("order.placed", new Order("o-11", 1100)).join();

      assertThatThrownBy(quick::awaitIdle)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not become idle within PT0.3S")
          .hasMessageContaining("queue 'slow': 1 delivered, not yet acknowledged");
      release.countDown();
      quick.awaitIdle();
    } finally {
      release.countDown();
      quick.close();
    }
  }

  @Test
  void theClockNeverGoesBackAndStartsWhereAsked() {
    Instant start = Instant.parse("2100-01-01T00:00:00Z");
    try (WarrenHarness h = WarrenHarness.builder().startingAt(start).build()) {
      assertThat(h.now()).isEqualTo(start);
      h.advance(Duration.ofDays(3));
      assertThat(h.now()).isEqualTo(start.plus(Duration.ofDays(3)));
      assertThatThrownBy(() -> h.advance(Duration.ofSeconds(-1)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("PT-1S");
      assertThatThrownBy(
              () -> WarrenHarness.builder().startingAt(Instant.parse("2020-01-01T00:00:00Z")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("2020-01-01T00:00:00Z is before the real time");
    }
  }

  @Test
  void eachHarnessHasABrokerOfItsOwn() {
    try (WarrenHarness other = WarrenHarness.create()) {
      harness.warren().publish("order.placed", new Order("o-12", 1200)).join();
      harness.awaitIdle();
      other.awaitIdle();
      assertThat(harness.published("order.placed")).hasSize(1);
      assertThat(other.published("order.placed")).isEmpty();
    }
  }
}
