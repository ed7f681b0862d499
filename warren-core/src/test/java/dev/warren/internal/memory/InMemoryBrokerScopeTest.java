package dev.warren.internal.memory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which broker a Warren instance on the memory transport gets: one of its own unless its options
 * name a shared one.
 */
class InMemoryBrokerScopeTest {
  private final InMemoryTransportProvider provider = new InMemoryTransportProvider();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final String shared = "scope-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    InMemoryBroker.named(shared).close();
  }

  private static WarrenOptions.Builder memory() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.MEMORY)
        .exchange("scope.events");
  }

  private Transport connect(WarrenOptions.Builder options) {
    Transport t = provider.create(options.build());
    open.add(t);
    return t;
  }

  private Warren start(WarrenOptions.Builder options) {
    Warren w = Warren.create(options.build());
    open.add(w);
    return w;
  }

  @Test
  void instancesWithoutANameDoNotSeeEachOthersQueues() {
    Transport one = connect(memory());
    Transport two = connect(memory());
    one.declareQueue(QueueSpec.durable("orders"));
    assertThat(one.queueInfo("orders")).isPresent();
    assertThat(two.queueInfo("orders")).isEmpty();
    assertThat(two.listQueues()).isEmpty();
    assertThat(one.describe()).isEqualTo("embedded in-memory broker");
  }

  @Test
  void instancesGivenTheSameNameShareTheirBroker() {
    Transport one = connect(memory().memoryBroker(shared));
    Transport two = connect(memory().memoryBroker(shared));
    Transport stranger = connect(memory().memoryBroker(shared + "-other"));
    one.declareQueue(QueueSpec.durable("orders"));
    assertThat(two.queueInfo("orders")).isPresent();
    assertThat(stranger.queueInfo("orders")).isEmpty();
    assertThat(one.describe()).isEqualTo("embedded in-memory broker '" + shared + "'");
    InMemoryBroker.named(shared + "-other").close();

    // a named broker outlives the instances on it
    one.close();
    two.close();
    assertThat(connect(memory().memoryBroker(shared)).queueInfo("orders")).isPresent();
  }

  @Test
  void aBrokerOfItsOwnGoesWithItsInstance() throws Exception {
    InMemoryTransport t = (InMemoryTransport) connect(memory());
    t.declareQueue(
        QueueSpec.durable("waiting")
            .withArgument(QueueSpec.MESSAGE_TTL, 60_000)
            .withArgument(QueueSpec.EXPIRES, 60_000));
    InMemoryBroker broker = t.broker();
    ScheduledExecutorService timer = broker.timer();
    assertThat(broker.list()).hasSize(1);

    t.close();
    assertThat(broker.list()).isEmpty();
    assertThat(timer.awaitTermination(5, SECONDS)).as("its timer thread stopped").isTrue();
  }

  @Test
  void warrenInstancesCompeteOnlyOnASharedBroker() {
    List<Event> first = new CopyOnWriteArrayList<>();
    List<Event> second = new CopyOnWriteArrayList<>();
    Subscription work = Subscription.named("work").pattern("job.*");

    // on brokers of their own, each instance has its own "work" queue: nothing to compete for
    Warren a = start(memory());
    Warren b = start(memory());
    a.subscribe(work, first::add);
    b.subscribe(work, second::add);
    for (int i = 0; i < 10; i++) {
      b.publish("job.run", Map.of("i", i)).join();
    }
    await().atMost(10, SECONDS).until(() -> second.size() == 10);
    assertThat(first).isEmpty();

    // on a shared broker they split one queue
    second.clear();
    Warren c = start(memory().memoryBroker(shared));
    Warren d = start(memory().memoryBroker(shared));
    c.subscribe(work, first::add);
    d.subscribe(work, second::add);
    for (int i = 0; i < 10; i++) {
      d.publish("job.run", Map.of("i", i)).join();
    }
    await().atMost(10, SECONDS).until(() -> first.size() + second.size() == 10);
    assertThat(first).isNotEmpty();
    assertThat(second).isNotEmpty();
  }
}
