package dev.warren.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.testkit.BrokerProxy;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox's promises under faults, on a real PostgreSQL (a schema per test) and a real RabbitMQ
 * (a virtual host per test): processes killed with SIGKILL, the broker away (a TCP proxy cut, never
 * the shared broker stopped), two relays at once. Each test prints its counts.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OutboxFaultTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private Fixture f;
  private Warren consumerSide;
  private Outbox outbox;

  @BeforeEach
  void setUp() throws Exception {
    f = new Fixture("warren_outbox_fault");
    consumerSide = Warren.create(broker.options().build());
  }

  @AfterEach
  void tearDown() {
    if (outbox != null) {
      outbox.close();
    }
    if (consumerSide != null) {
      consumerSide.close();
    }
    if (f != null) {
      f.close();
    }
  }

  private static Process java(Class<?> main, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void eventsCommittedByAProcessKilledBeforeItsRelayRanArePublishedByTheNextRelay()
      throws Exception {
    outbox = Outbox.create(f.pool, f.options().build());
    try (InboxConsumer consumer =
        new InboxConsumer(consumerSide, outbox.inbox(), f.schema, "crash-after-commit")) {
      Process app = java(OutboxWriterMain.class, TestDatabase.BASE_URL, f.schema, "10", "30");
      try {
        BufferedReader out =
            new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("committed 300");
        app.destroyForcibly(); // SIGKILL: no shutdown hook, its relay never ran
        assertThat(app.waitFor(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        app.destroyForcibly();
      }
      long committed = 300;
      assertThat(f.unsent()).isEqualTo(committed);
      assertThat(consumer.deliveries.get()).isZero();
      try (OutboxRelay relay = outbox.startRelay(consumerSide)) {
        await().atMost(60, TimeUnit.SECONDS).until(() -> consumer.handled.get() >= committed);
        await().atMost(10, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
        System.out.println(
            "fault (a) SIGKILL after commit, before the relay: "
                + consumer.counts(committed)
                + " sideEffects="
                + f.sideEffects());
        assertThat(consumer.ids).hasSize((int) committed);
        assertThat(f.sideEffects()).isEqualTo(committed);
        assertThat(consumer.outOfOrder).isEmpty();
        assertThat(relay.published()).isEqualTo(committed);
      }
    }
  }

  @Test
  void theOutboxGrowsWhileTheBrokerIsAwayThenDrainsInOrderWithNothingLost() throws Exception {
    outbox = Outbox.create(f.pool, f.options().degradedAfter(Duration.ofSeconds(5)).build());
    try (BrokerProxy proxy = new BrokerProxy(broker.host(), broker.port());
        InboxConsumer consumer =
            new InboxConsumer(consumerSide, outbox.inbox(), f.schema, "broker-away");
        Warren relaySide =
            Warren.create(
                broker
                    .options()
                    .rabbitmqUri(
                        "amqp://guest:guest@127.0.0.1:"
                            + proxy.port()
                            + "/"
                            + URLEncoder.encode(broker.vhost(), StandardCharsets.UTF_8))
                    .publishTimeout(Duration.ofSeconds(2))
                    .build());
        OutboxRelay relay = outbox.startRelay(relaySide);
        ExecutorService writers = Executors.newFixedThreadPool(2)) {
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger committed = new AtomicInteger();
      Future<?>[] loads = new Future<?>[2];
      for (int w = 0; w < 2; w++) {
        int half = w;
        // why: each writer owns its keys, so a key's numbers count up in commit order
        loads[w] =
            writers.submit(
                () -> {
                  int n = 0;
                  while (writing.get()) {
                    for (int k = half * 10; k < half * 10 + 10; k++) {
                      Fixture.commit(f.pool, outbox, f.schema, "key-" + k, n, true);
                      committed.incrementAndGet();
                    }
                    n++;
                    Thread.sleep(20);
                  }
                  return null;
                });
      }
      Thread.sleep(3000);
      long beforeCut = consumer.handled.get();
      proxy.cut();
      long cutAt = System.nanoTime();
      long maxDepth = 0;
      boolean degraded = false;
      while (System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(20)) {
        OutboxHealth h = relay.health();
        maxDepth = Math.max(maxDepth, h.depth());
        degraded |= h.status() == OutboxHealth.Status.DEGRADED;
        Thread.sleep(500);
      }
      long handledDuringCut = consumer.handled.get();
      OutboxHealth whileAway = relay.health();
      proxy.restore();
      long restoredAt = System.nanoTime();
      Thread.sleep(3000);
      writing.set(false);
      for (Future<?> load : loads) {
        load.get(30, TimeUnit.SECONDS);
      }
      long total = committed.get();
      await().atMost(90, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
      long drainedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt);
      await().atMost(90, TimeUnit.SECONDS).until(() -> consumer.handled.get() >= total);
      long handledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt);
      System.out.println(
          "fault (c) broker away 20 s under load: "
              + consumer.counts(total)
              + " sideEffects="
              + f.sideEffects()
              + " handledBeforeCut="
              + beforeCut
              + " handledAtEndOfCut="
              + handledDuringCut
              + " maxDepthWhileAway="
              + maxDepth
              + " degradedSeen="
              + degraded
              + " healthWhileAway="
              + whileAway
              + " outboxDrainedMsAfterRestore="
              + drainedMillis
              + " allHandledMsAfterRestore="
              + handledMillis);
      assertThat(maxDepth).as("the outbox grew while the broker was away").isGreaterThan(100);
      assertThat(degraded).isTrue();
      assertThat(consumer.ids).hasSize((int) total);
      assertThat(f.sideEffects()).isEqualTo(total);
      assertThat(f.distinctSideEffects()).isEqualTo(total);
      assertThat(consumer.outOfOrder).isEmpty();
      assertThat(relay.health().status()).isEqualTo(OutboxHealth.Status.UP);
    }
  }

  @Test
  void aRelayKilledBetweenPublishAndMarkCausesDuplicatesThatTheInboxAbsorbs() throws Exception {
    outbox = Outbox.create(f.pool, f.options().build());
    long committed = 0;
    for (int n = 0; n < 20; n++) {
      for (int k = 0; k < 10; k++) {
        f.commit(outbox, "key-" + k, n);
        committed++;
      }
    }
    long total = committed;
    try (InboxConsumer consumer =
        new InboxConsumer(consumerSide, outbox.inbox(), f.schema, "relay-killed")) {
      Process relayProcess =
          java(HangingRelayMain.class, TestDatabase.BASE_URL, f.schema, broker.uri());
      AtomicInteger confirmed = new AtomicInteger();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(relayProcess.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                      if (line.startsWith("confirmed ")) {
                        confirmed.incrementAndGet();
                      }
                    }
                  } catch (java.io.IOException e) {
                    // the process was killed
                  }
                });
        await().atMost(30, TimeUnit.SECONDS).until(() -> consumer.handled.get() >= 1);
        Thread.sleep(500);
        relayProcess.destroyForcibly(); // SIGKILL after the broker confirmed, before the mark
        assertThat(relayProcess.waitFor(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        relayProcess.destroyForcibly();
      }
      int confirmedBeforeKill = confirmed.get();
      assertThat(confirmedBeforeKill).isPositive();
      assertThat(f.unsent()).as("the killed relay marked nothing").isEqualTo(total);
      long handledBeforeRestart = consumer.handled.get();
      try (OutboxRelay relay = outbox.startRelay(consumerSide)) {
        await().atMost(60, TimeUnit.SECONDS).until(() -> consumer.handled.get() >= total);
        await().atMost(10, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
        await()
            .atMost(10, TimeUnit.SECONDS)
            .until(() -> consumer.deliveries.get() >= total + handledBeforeRestart);
        System.out.println(
            "fault (d) relay killed between publish and mark: confirmedByKilledRelay="
                + confirmedBeforeKill
                + " "
                + consumer.counts(total)
                + " sideEffects="
                + f.sideEffects()
                + " distinctSideEffects="
                + f.distinctSideEffects());
        assertThat(consumer.duplicates.get()).isEqualTo(handledBeforeRestart).isPositive();
        assertThat(f.sideEffects()).isEqualTo(total);
        assertThat(f.distinctSideEffects()).isEqualTo(total);
        assertThat(consumer.outOfOrder).isEmpty();
        assertThat(relay.published()).isEqualTo(total);
      }
    }
  }

  @Test
  void twoRelaysShareTheOutboxKeepingEachKeysOrder() throws Exception {
    outbox = Outbox.create(f.pool, f.options().batchSize(50).build());
    try (InboxConsumer consumer =
            new InboxConsumer(consumerSide, outbox.inbox(), f.schema, "two-relays");
        Warren second = Warren.create(broker.options().build());
        OutboxRelay one = outbox.startRelay(consumerSide);
        OutboxRelay two = outbox.startRelay(second);
        ExecutorService writers = Executors.newFixedThreadPool(2)) {
      AtomicInteger committed = new AtomicInteger();
      Future<?>[] loads = new Future<?>[2];
      for (int w = 0; w < 2; w++) {
        int half = w;
        loads[w] =
            writers.submit(
                () -> {
                  for (int n = 0; n < 50; n++) {
                    for (int k = half * 10; k < half * 10 + 10; k++) {
                      Fixture.commit(f.pool, outbox, f.schema, "key-" + k, n, true);
                      committed.incrementAndGet();
                    }
                  }
                  return null;
                });
      }
      for (Future<?> load : loads) {
        load.get(60, TimeUnit.SECONDS);
      }
      long total = committed.get();
      await().atMost(60, TimeUnit.SECONDS).until(() -> consumer.handled.get() >= total);
      await().atMost(10, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
      Thread.sleep(1000); // why: time for a duplicate, were there one, to arrive
      System.out.println(
          "fault (e) two relays: "
              + consumer.counts(total)
              + " sideEffects="
              + f.sideEffects()
              + " relayOne="
              + one.published()
              + " relayTwo="
              + two.published());
      assertThat(consumer.ids).hasSize((int) total);
      assertThat(one.published() + two.published()).isGreaterThanOrEqualTo(total);
      // why: not that each relay published some: a free relay takes every lane with work, so on a
      // loaded machine one relay may drain all of it while the other waits; the guarantee is that
      // two relays together publish everything once, in order per key
      assertThat(f.sideEffects()).isEqualTo(total);
      assertThat(consumer.outOfOrder).isEmpty();
      assertThat(consumer.duplicates.get()).as("no event published twice").isZero();
    }
  }
}
