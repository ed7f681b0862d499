package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.TopologyMismatchException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.MessageRates;
import dev.warren.admin.QueueDeclared;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueueInfo;
import dev.warren.admin.QueueNotFoundException;
import dev.warren.admin.QueuedMessage;
import dev.warren.admin.SubscriptionInfo;
import dev.warren.admin.TaskQuery;
import dev.warren.admin.WarrenAdmin;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link WarrenAdmin} on a broker: queues, subscriptions, dead letters and tasks as
 * an operator sees them. Subclass it once per transport and give the options of the broker under
 * test; every test uses names and an exchange of its own, and deletes its queues afterwards.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class AdminContractTest {
  private final List<Warren> instances = new ArrayList<>();
  private String prefix;
  private Warren warren;
  private WarrenAdmin admin;

  /**
   * @return options pointing at the broker under test (the test sets the exchange and the in-memory
   *     broker's name, so that its two instances share one broker)
   */
  protected abstract WarrenOptions.Builder baseOptions();

  @BeforeEach
  void start() {
    prefix = "adm" + UUID.randomUUID().toString().substring(0, 8);
    warren = newInstance();
    admin = warren.admin();
  }

  @AfterEach
  void stop() {
    try {
      if (admin != null) {
        for (QueueInfo q : admin.queues()) {
          if (q.name().startsWith(prefix)) {
            admin.deleteQueue(q.name());
          }
        }
      }
    } finally {
      instances.forEach(Warren::close);
    }
  }

  private Warren newInstance() {
    Warren w =
        Warren.create(baseOptions().exchange(prefix + ".events").memoryBroker(prefix).build());
    instances.add(w);
    return w;
  }

  private String name(String suffix) {
    return prefix + "-" + suffix;
  }

  private static Event event(String type, int n) {
    return Event.builder(type).jsonData("{\"n\":" + n + "}").build();
  }

  /** The broker's listing may trail a change by a few seconds (RabbitMQ's statistics). */
  private QueueInfo listed(String queue) {
    return admin.queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElse(null);
  }

  // --- queues

  @Test
  void aDeclaredQueueIsListedReceivesItsBindingsAndIsDeleted() {
    String audit = name("audit");
    QueueDefinition definition =
        QueueDefinition.durable(audit)
            .binding("order.#")
            .maxLength(1000)
            .messageTtl(Duration.ofHours(1))
            .build();

    QueueDeclared first = admin.declareQueue(definition);
    QueueDeclared again = admin.declareQueue(definition);

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(first.queue().name()).isEqualTo(audit);
    assertThat(first.queue().durable()).isTrue();
    assertThat(first.queue().arguments())
        .containsEntry("x-max-length", 1000L)
        .containsEntry("x-message-ttl", 3_600_000L);
    await().atMost(20, SECONDS).until(() -> listed(audit) != null);
    assertThat(admin.queues()).extracting(QueueInfo::name).isSorted();

    warren.publish("order.placed", "{}").join();
    warren.publish("invoice.sent", "{}").join();

    await().atMost(10, SECONDS).until(() -> admin.queue(audit).orElseThrow().messages() == 1);
    assertThat(admin.queue(name("nothing"))).isEmpty();

    assertThat(admin.deleteQueue(audit)).isTrue();
    assertThat(admin.deleteQueue(audit)).isFalse();
    assertThat(admin.queue(audit)).isEmpty();
  }

  @Test
  void declaringAnExistingQueueWithOtherSettingsFailsAndChangesNothing() {
    String q = name("limited");
    admin.declareQueue(QueueDefinition.durable(q).maxLength(10).build());

    assertThatThrownBy(() -> admin.declareQueue(QueueDefinition.durable(q).maxLength(20).build()))
        .isInstanceOf(TopologyMismatchException.class);
    assertThat(admin.queue(q).orElseThrow().arguments()).containsEntry("x-max-length", 10L);
  }

  @Test
  void aDeadLetterQueueOfADeclaredQueueIsDeclaredWithIt() {
    String q = name("work");
    String dlq = name("work-dead");

    admin.declareQueue(QueueDefinition.durable(q).deadLetterQueue(dlq).build());

    assertThat(admin.queue(dlq)).isPresent();
    assertThat(admin.queue(q).orElseThrow().arguments())
        .containsEntry("x-dead-letter-routing-key", dlq);
  }

  @Test
  void peekReturnsTheFirstMessagesAndLeavesThemInOrder() {
    peekKeepsOrder(QueueDefinition.QueueType.CLASSIC);
  }

  @Test
  void peekLeavesAQuorumQueueWithTheSameMessages() {
    peekKeepsOrder(QueueDefinition.QueueType.QUORUM);
  }

  /**
   * Whether peeking a quorum queue keeps its order: RabbitMQ puts messages read and returned back
   * where it chooses.
   */
  protected boolean peekKeepsQuorumQueuesInOrder() {
    return true;
  }

  private void peekKeepsOrder(QueueDefinition.QueueType type) {
    String q = name("peeked");
    admin.declareQueue(QueueDefinition.durable(q).type(type).build());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(admin.send(q, event("order.placed", i)).join().id());
    }
    await().atMost(10, SECONDS).until(() -> admin.queue(q).orElseThrow().messages() == 5);

    List<QueuedMessage> firstThree = admin.peek(q, 3);
    List<QueuedMessage> all = admin.peek(q, 100);
    List<QueuedMessage> again = admin.peek(q, 100);

    assertThat(firstThree).extracting(m -> m.event().id()).isEqualTo(ids.subList(0, 3));
    if (type == QueueDefinition.QueueType.CLASSIC || peekKeepsQuorumQueuesInOrder()) {
      assertThat(all).extracting(m -> m.event().id()).isEqualTo(ids);
      assertThat(again).extracting(m -> m.event().id()).isEqualTo(ids);
    } else {
      assertThat(all).extracting(m -> m.event().id()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(again).extracting(m -> m.event().id()).containsExactlyInAnyOrderElementsOf(ids);
    }
    QueuedMessage first =
        all.stream().filter(m -> m.event().id().equals(ids.get(0))).findFirst().orElseThrow();
    assertThat(first.routingKey()).isEqualTo(q);
    assertThat(first.asEvent()).isPresent();
    assertThat(first.event().type()).isEqualTo("order.placed");
    assertThat(first.event().source()).isEqualTo(warren.options().source());
    assertThat(new String(first.body(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":0}");
    assertThat(first.headers()).isNotEmpty();
    // why: RabbitMQ's management API, which the listing reads, refreshes its counts every 5 s
    await().atMost(20, SECONDS).until(() -> admin.queue(q).orElseThrow().messages() == 5);
  }

  @Test
  void sendGoesToThatQueueOnlyAndPurgeEmptiesIt() {
    String q = name("direct");
    String other = name("other");
    admin.declareQueue(QueueDefinition.durable(q).binding("order.#").build());
    admin.declareQueue(QueueDefinition.durable(other).binding("order.#").build());

    Event sent = admin.send(q, event("order.placed", 1)).join();
    admin.send(q, event("order.placed", 2)).join();

    assertThat(sent.source()).isEqualTo(warren.options().source());
    await().atMost(10, SECONDS).until(() -> admin.queue(q).orElseThrow().messages() == 2);
    assertThat(admin.queue(other).orElseThrow().messages()).isZero();
    assertThat(admin.purgeQueue(q)).isEqualTo(2);
    assertThat(admin.queue(q).orElseThrow().messages()).isZero();
  }

  @Test
  void aQueueThatDoesNotExistIsNotFound() {
    String missing = name("missing");

    assertThatThrownBy(() -> admin.send(missing, event("order.placed", 1)))
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(missing)
        .satisfies(e -> assertThat(((QueueNotFoundException) e).queue()).isEqualTo(missing));
    assertThatThrownBy(() -> admin.purgeQueue(missing)).isInstanceOf(QueueNotFoundException.class);
    assertThatThrownBy(() -> admin.peek(missing, 1)).isInstanceOf(QueueNotFoundException.class);
    assertThatThrownBy(() -> admin.deadLetters(missing))
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(missing + ".dlq");
    assertThat(admin.deleteQueue(missing)).isFalse();
    assertThat(admin.subscription(missing)).isEmpty();
    assertThat(admin.deleteSubscription(missing)).isEmpty();
  }

  @Test
  void invalidNamesAndLimitsAreBadInput() {
    String q = name("valid");
    admin.declareQueue(QueueDefinition.durable(q).build());

    assertThatThrownBy(() -> admin.queue(" ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.queue(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.purgeQueue("x".repeat(256)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("255");
    assertThatThrownBy(() -> admin.deleteQueue("bad\u0001name"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.declareQueue(QueueDefinition.durable("amq.mine").build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("amq.");
    assertThatThrownBy(() -> QueueDefinition.durable(q).binding("order..placed").build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.peek(q, 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.peek(q, 1001)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.send(q, null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.subscription("billing.dlq"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.deleteSubscription("has space"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.deadLetters("")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.tasks(TaskQuery.all().limit(0)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> admin.task(" ")).isInstanceOf(InvalidInputException.class);
    assertThat(admin.queue("amq.gen-not-there")).isEmpty();
  }

  // --- subscriptions

  @Test
  void aSubscriptionWithAFailedEventShowsItsDeadLetterAndConsumer() {
    String billing = name("billing");
    warren.subscribe(
        Subscription.named(billing).pattern("order.*").retry(RetryPolicy.none()),
        e -> {
          if (e.type().equals("order.broken")) {
            throw new IllegalStateException("cannot bill");
          }
        });

    warren.publish("order.placed", "{}").join();
    warren.publish("order.broken", "{}").join();

    await()
        .atMost(20, SECONDS)
        .untilAsserted(
            () -> {
              SubscriptionInfo s = admin.subscription(billing).orElseThrow();
              assertThat(s.deadLetters()).isEqualTo(1);
              assertThat(s.ready()).isZero();
            });
    SubscriptionInfo s = admin.subscription(billing).orElseThrow();
    assertThat(s.mode()).isEqualTo(Subscription.Mode.COMPETING);
    assertThat(s.patterns()).containsExactly("order.*");
    assertThat(s.queues()).containsExactly(billing);
    assertThat(s.consumers()).isEqualTo(1);
    assertThat(s.waiting()).isZero();
    assertThat(s.runningHere()).isTrue();
    assertThat(admin.deadLetters(billing).count()).isEqualTo(1);
    assertThat(admin.deadLetters(billing).peek(10).get(0).event().type()).isEqualTo("order.broken");
    await()
        .atMost(20, SECONDS)
        .until(() -> admin.subscription(billing).orElseThrow().unacknowledged() == 0);

    await()
        .atMost(20, SECONDS)
        .untilAsserted(
            () ->
                assertThat(admin.subscriptions())
                    .filteredOn(i -> i.name().equals(billing))
                    .singleElement()
                    .satisfies(
                        i -> {
                          assertThat(i.deadLetters()).isEqualTo(1);
                          assertThat(i.consumers()).isEqualTo(1);
                          assertThat(i.queues()).containsExactly(billing);
                        }));
    assertThat(admin.subscriptions()).extracting(SubscriptionInfo::name).isSorted();
  }

  @Test
  void aMessageBeingHandledCountsAsUnacknowledged() {
    String slow = name("slow");
    CountDownLatch release = new CountDownLatch(1);
    warren.subscribe(
        Subscription.named(slow).pattern("order.*"),
        e -> {
          if (!release.await(60, SECONDS)) {
            throw new IllegalStateException("never released");
          }
        });

    warren.publish("order.placed", "{}").join();

    try {
      // why: RabbitMQ's management statistics trail by up to 5 s
      await()
          .atMost(30, SECONDS)
          .until(() -> admin.subscription(slow).orElseThrow().unacknowledged() == 1);
      await()
          .atMost(30, SECONDS)
          .until(() -> admin.queue(slow).orElseThrow().unacknowledged() == 1);
      assertThat(admin.subscription(slow).orElseThrow().ready()).isZero();
    } finally {
      release.countDown();
    }
    await()
        .atMost(30, SECONDS)
        .until(() -> admin.subscription(slow).orElseThrow().unacknowledged() == 0);
  }

  @Test
  void anotherInstanceFindsSubscriptionsByTheirQueues() {
    String competing = name("stock");
    String broadcast = name("cache");
    String ordered = name("ledger");
    warren.subscribe(Subscription.named(competing).pattern("order.*"), e -> {});
    warren.subscribe(Subscription.named(broadcast).pattern("order.*").broadcast(), e -> {});
    warren.subscribe(
        Subscription.named(ordered).pattern("order.*").ordered().partitions(3), e -> {});
    String instance = warren.options().instanceId();

    WarrenAdmin elsewhere = newInstance().admin();

    await()
        .atMost(20, SECONDS)
        .untilAsserted(
            () -> {
              assertThat(elsewhere.subscription(competing).orElseThrow().queues())
                  .containsExactly(competing);
              assertThat(elsewhere.subscription(broadcast).orElseThrow().queues())
                  .containsExactly(broadcast + "." + instance);
              assertThat(elsewhere.subscription(ordered).orElseThrow().queues())
                  .containsExactly(ordered + ".p0", ordered + ".p1", ordered + ".p2");
            });
    SubscriptionInfo s = elsewhere.subscription(competing).orElseThrow();
    assertThat(s.runningHere()).isFalse();
    assertThat(s.mode()).isEqualTo(Subscription.Mode.COMPETING);
    assertThat(s.consumers()).isEqualTo(1);
    assertThat(elsewhere.subscription(broadcast).orElseThrow().mode())
        .isEqualTo(Subscription.Mode.BROADCAST);
    SubscriptionInfo ledger = elsewhere.subscription(ordered).orElseThrow();
    assertThat(ledger.mode()).isEqualTo(Subscription.Mode.ORDERED);
    assertThat(ledger.consumers()).isEqualTo(3);
    assertThat(admin.subscription(ordered).orElseThrow().runningHere()).isTrue();
    assertThat(admin.subscription(ordered).orElseThrow().patterns()).containsExactly("order.*");
  }

  @Test
  void deletingASubscriptionStopsItAndRemovesItsQueuesWaitQueuesAndDeadLetters() {
    String mail = name("mail");
    SubscriptionHandle handle =
        warren.subscribe(
            Subscription.named(mail)
                .pattern("order.*")
                .retry(
                    RetryPolicy.builder()
                        .immediateRetries(0)
                        .delays(Duration.ofMinutes(10))
                        .build()),
            e -> {
              throw new IllegalStateException("mail server down");
            });

    warren.publish("order.placed", "{}").join();

    await().atMost(20, SECONDS).until(() -> admin.subscription(mail).orElseThrow().waiting() == 1);
    List<String> waits =
        admin.queues().stream()
            .map(QueueInfo::name)
            .filter(n -> n.startsWith(mail + ".wait."))
            .toList();
    assertThat(waits).hasSize(1);

    List<String> deleted = admin.deleteSubscription(mail);

    assertThat(deleted).containsExactlyInAnyOrder(mail, waits.get(0), mail + ".dlq");
    assertThat(handle.isActive()).isFalse();
    assertThat(admin.queue(mail)).isEmpty();
    assertThat(admin.queue(mail + ".dlq")).isEmpty();
    assertThat(admin.queue(waits.get(0))).isEmpty();
    assertThat(admin.subscription(mail)).isEmpty();
    assertThat(warren.subscriptions())
        .extracting(h -> h.subscription().name())
        .doesNotContain(mail);
  }

  @Test
  void messageRatesAreReported() {
    String rated = name("rated");
    warren.subscribe(Subscription.named(rated).pattern("order.*"), e -> {});

    // why: RabbitMQ samples its statistics every 5 s by default, the embedded broker between two
    // readings; keep traffic flowing until a sample shows it
    await()
        .atMost(60, SECONDS)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              for (int i = 0; i < 20; i++) {
                warren.publish("order.placed", "{}").join();
              }
              MessageRates r = admin.queue(rated).orElseThrow().rates();
              return r.known() && r.published() > 0 && r.delivered() > 0;
            });
    MessageRates summed = admin.subscription(rated).orElseThrow().rates();
    assertThat(summed.known()).isTrue();
    assertThat(summed.acknowledged()).isGreaterThanOrEqualTo(0);
  }

  // --- tasks

  @Test
  void tasksAreListedAndLookedUpFromTheStoreWithoutAWorker() {
    String task = name("resize");
    String queue = name("tasks");
    warren.tasks().register(task, queue, ctx -> "done");
    TaskHandle<Object> h =
        warren.tasks().submit(task, "{}", TaskOptions.builder().queue(queue).build());
    assertThat(h.await(Duration.ofSeconds(30)).state()).isEqualTo(TaskState.SUCCESS);

    // another instance with no worker reads the same store
    WarrenAdmin elsewhere = newInstance().admin();

    List<TaskStatus> listed = elsewhere.tasks(TaskQuery.all().name(task));
    assertThat(listed).extracting(TaskStatus::id).containsExactly(h.id());
    assertThat(elsewhere.tasks(TaskQuery.all().name(task).states(TaskState.FAILURE))).isEmpty();
    assertThat(elsewhere.tasks(TaskQuery.all().states(TaskState.SUCCESS).limit(1000)))
        .extracting(TaskStatus::id)
        .contains(h.id());
    TaskStatus found = elsewhere.task(h.id()).orElseThrow();
    assertThat(found.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(found.name()).isEqualTo(task);
    assertThat(elsewhere.task("no-such-task-" + prefix)).isEmpty();
  }
}
