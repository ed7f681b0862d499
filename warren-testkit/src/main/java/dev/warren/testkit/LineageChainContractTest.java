package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.NonRetryableException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.LineageTree;
import dev.warren.lineage.Outcome;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenOnTransport;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lineage end to end on a transport: a three-hop chain of events, one branch failing to the
 * dead-letter queue and replayed, read back with {@code warren.lineage()}. Subclass once per
 * transport.
 */
@Timeout(value = 90, unit = SECONDS)
public abstract class LineageChainContractTest {
  private Warren warren;
  private String prefix;

  /**
   * The options of the instance under test: the broker, and where lineage is kept ({@link
   * WarrenOptions.Builder#storeUrl}, {@code memory:} unless the subclass sets another).
   *
   * @return options pointing at the broker and store under test
   */
  protected abstract WarrenOptions.Builder baseOptions();

  /**
   * @param options the options
   * @return a new connection to the broker under test
   */
  protected abstract Transport connect(WarrenOptions options);

  @BeforeEach
  void start() {
    prefix = "l" + UUID.randomUUID().toString().substring(0, 8);
    WarrenOptions options = baseOptions().exchange(prefix + ".events").build();
    warren = WarrenOnTransport.start(options, connect(options));
  }

  @AfterEach
  void stop() {
    if (warren != null) {
      warren.close();
    }
  }

  private Subscription sub(String name, String pattern) {
    return Subscription.named(prefix + "-" + name).pattern(pattern);
  }

  @Test
  void aChainWithAReplayedDeadLetterReadsBackAsATree() {
    AtomicBoolean stockBroken = new AtomicBoolean(true);
    warren.subscribe(
        sub("orders", "order.placed"),
        e -> {
          warren.publish("payment.requested", "{}").join();
          warren.publish("stock.reserve", "{}").join();
        });
    warren.subscribe(
        sub("payments", "payment.requested"),
        e ->
            warren
                .publish(Event.builder("payment.captured").jsonData("{\"ok\":1}").build())
                .join());
    warren.subscribe(sub("audit", "payment.captured"), e -> {});
    warren.subscribe(
        sub("stock", "stock.reserve")
            .retry(RetryPolicy.builder().immediateRetries(1).delays(List.of()).build()),
        e -> {
          if (stockBroken.get()) {
            throw new IllegalStateException("warehouse offline");
          }
        });

    Event root = warren.publish("order.placed", "{\"order\":42}").join();

    LineageNode[] stock = new LineageNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              LineageTree tree = warren.lineage().tree(root.id()).orElseThrow(AssertionError::new);
              stock[0] = child(tree.roots().get(0), "stock.reserve");
              assertThat(delivery(stock[0].event(), "stock").outcome())
                  .isEqualTo(Outcome.DEAD_LETTERED);
            });
    Delivery dead = delivery(stock[0].event(), "stock");
    assertThat(dead.retries()).isEqualTo(1);
    assertThat(dead.error()).contains("IllegalStateException").contains("warehouse offline");

    stockBroken.set(false);
    assertThat(warren.deadLetters(prefix + "-stock").replay()).isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              LineageTree tree = warren.lineage().tree(root.id()).orElseThrow(AssertionError::new);
              LineageNode top = tree.roots().get(0);
              LineageNode payment = child(top, "payment.requested");
              LineageNode captured = child(payment, "payment.captured");
              assertThat(delivery(captured.event(), "audit").outcome()).isEqualTo(Outcome.HANDLED);
              Delivery replayed = delivery(child(top, "stock.reserve").event(), "stock");
              assertThat(replayed.outcome()).isEqualTo(Outcome.HANDLED);
              assertThat(replayed.replays()).isEqualTo(1);
            });

    // the tree asked from a leaf is the same tree
    LineageTree fromRoot = warren.lineage().tree(root.id()).orElseThrow(AssertionError::new);
    LineageNode top = fromRoot.roots().get(0);
    assertThat(fromRoot.roots()).hasSize(1);
    assertThat(fromRoot.truncated()).isFalse();
    assertThat(top.event().id()).isEqualTo(root.id());
    assertThat(top.size()).isEqualTo(4);
    assertThat(delivery(top.event(), "orders").outcome()).isEqualTo(Outcome.HANDLED);
    assertThat(top.children())
        .extracting(n -> n.event().type())
        .containsExactly("payment.requested", "stock.reserve");
    Delivery stockDelivery = delivery(child(top, "stock.reserve").event(), "stock");
    assertThat(stockDelivery.steps())
        .extracting(s -> s.outcome())
        .containsExactly(Outcome.RETRIED, Outcome.DEAD_LETTERED, Outcome.REPLAYED, Outcome.HANDLED);
    String leafId = child(child(top, "payment.requested"), "payment.captured").event().id();
    LineageTree fromLeaf = warren.lineage().tree(leafId).orElseThrow();
    assertThat(fromLeaf.eventId()).isEqualTo(leafId);
    assertThat(fromLeaf.roots()).extracting(n -> n.event().id()).containsExactly(root.id());
    assertThat(fromLeaf.roots().get(0).size()).isEqualTo(4);

    EventRecord leaf = warren.lineage().event(leafId).orElseThrow();
    assertThat(leaf.correlationId()).isEqualTo(root.id());
    assertThat(leaf.parentIds()).containsExactly(child(top, "payment.requested").event().id());
    assertThat(leaf.size()).isEqualTo("{\"ok\":1}".length());

    List<EventRecord> chain = warren.lineage().correlation(root.id());
    assertThat(chain).extracting(EventRecord::correlationId).containsOnly(root.id());
    assertThat(chain.get(0).id()).isEqualTo(root.id());
    assertThat(chain)
        .extracting(EventRecord::type)
        .containsExactlyInAnyOrder(
            "order.placed", "payment.requested", "stock.reserve", "payment.captured");
    assertThat(chain).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
    assertThat(warren.lineage().dropped()).isZero();
  }

  @Test
  void anUnknownEventHasNoLineage() {
    assertThat(warren.lineage().event("nope-" + prefix)).isEmpty();
    assertThat(warren.lineage().tree("nope-" + prefix)).isEmpty();
    assertThat(warren.lineage().correlation("nope-" + prefix)).isEmpty();
  }

  @Test
  void aNonRetryableFailureIsDeadLetteredAtOnce() {
    warren.subscribe(
        sub("strict", "bad.thing"),
        e -> {
          throw new NonRetryableException("no way");
        });

    Event e = warren.publish("bad.thing", "{}").join();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Delivery d =
                  delivery(
                      warren.lineage().event(e.id()).orElseThrow(AssertionError::new), "strict");
              assertThat(d.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
              assertThat(d.retries()).isZero();
              assertThat(d.error()).contains("no way");
            });
  }

  private static LineageNode child(LineageNode node, String type) {
    return node.children().stream()
        .filter(c -> c.event().type().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError(node.event().type() + " caused no " + type));
  }

  private Delivery delivery(EventRecord e, String subscription) {
    String name = prefix + "-" + subscription;
    return e.deliveries().stream()
        .filter(d -> d.subscription().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(e.type() + " has no delivery to " + name));
  }
}
