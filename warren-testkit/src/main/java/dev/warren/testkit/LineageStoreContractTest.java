package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.lineage.Delivery;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Outcome;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link LineageStore} passes. Subclass it once per store and implement {@link
 * #createStore()} (on a schema or key prefix of the test's own, cleaned up by the subclass) and
 * {@link #reopen()}. Every test uses fresh ids, so stores shared between tests are fine.
 */
@Timeout(value = 60, unit = SECONDS)
public abstract class LineageStoreContractTest {
  /** The store under test, created before each test and closed after it. */
  protected LineageStore store;

  private final List<LineageStore> opened = new ArrayList<>();
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /**
   * @return a new store
   */
  protected abstract LineageStore createStore();

  /**
   * @return another connection to the same store, as another process would open it
   */
  protected abstract LineageStore reopen();

  @BeforeEach
  void open() {
    store = createStore();
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    for (LineageStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private EventRecord event(String id, String correlation, int secondsLater, String... parents) {
    return new EventRecord(
        id,
        "order.placed",
        "/shop/éü",
        t0.plusSeconds(secondsLater),
        correlation,
        List.of(parents),
        42,
        List.of());
  }

  private static LineageWrite seen(EventRecord e) {
    return new LineageWrite.EventSeen(e);
  }

  private LineageWrite step(
      String id, String sub, Outcome o, int millis, long attempts, String err) {
    return new LineageWrite.StepTaken(
        id,
        sub,
        new DeliveryStep(o, t0.plusMillis(millis), attempts, Duration.ofMillis(millis / 10), err));
  }

  @Test
  void anEventReadsBackAsWritten() {
    String parent1 = id();
    String parent2 = id();
    EventRecord e = event(id(), "corr-" + id(), 0, parent1, parent2);
    store.write(List.of(seen(e)));

    assertThat(store.event(e.id())).contains(e);
  }

  @Test
  void anUnknownEventIsEmpty() {
    assertThat(store.event(id())).isEmpty();
    assertThat(store.children(id(), 10)).isEmpty();
    assertThat(store.correlation(id(), 10)).isEmpty();
  }

  @Test
  void theFirstRecordOfAnEventWins() {
    EventRecord first = event(id(), null, 0);
    EventRecord later =
        new EventRecord(
            first.id(), "other.type", "/x", t0.plusSeconds(9), "c", List.of("p"), 1, List.of());
    store.write(List.of(seen(first)));
    store.write(List.of(seen(later)));

    assertThat(store.event(first.id())).contains(first);
    assertThat(store.event(first.id()).orElseThrow().correlationId()).isEqualTo(first.id());
  }

  @Test
  void stepsAddUpToADeliveryPerSubscription() {
    String id = id();
    store.write(
        List.of(
            seen(event(id, null, 0)),
            step(id, "stock", Outcome.RETRIED, 10, 1, "java.lang.IllegalStateException: out"),
            step(id, "billing", Outcome.HANDLED, 15, 1, null),
            step(id, "stock", Outcome.DEAD_LETTERED, 20, 2, "java.lang.IllegalStateException: x")));
    store.write(
        List.of(
            step(id, "stock", Outcome.REPLAYED, 30, 0, null),
            step(id, "stock", Outcome.HANDLED, 40, 3, null)));

    EventRecord read = store.event(id).orElseThrow();

    assertThat(read.deliveries())
        .extracting(Delivery::subscription)
        .containsExactlyInAnyOrder("stock", "billing");
    Delivery stock =
        read.deliveries().stream()
            .filter(d -> d.subscription().equals("stock"))
            .findFirst()
            .orElseThrow();
    assertThat(stock.outcome()).isEqualTo(Outcome.HANDLED);
    assertThat(stock.retries()).isEqualTo(1);
    assertThat(stock.replays()).isEqualTo(1);
    assertThat(stock.error()).isNull();
    assertThat(stock.firstAt()).isEqualTo(t0.plusMillis(10));
    assertThat(stock.lastAt()).isEqualTo(t0.plusMillis(40));
    assertThat(stock.steps())
        .extracting(DeliveryStep::outcome)
        .containsExactly(Outcome.RETRIED, Outcome.DEAD_LETTERED, Outcome.REPLAYED, Outcome.HANDLED);
    assertThat(stock.steps().get(1).error()).isEqualTo("java.lang.IllegalStateException: x");
    assertThat(stock.steps().get(1).attempts()).isEqualTo(2);
    assertThat(stock.steps().get(3).duration()).isEqualTo(Duration.ofMillis(4));
  }

  @Test
  void aDeadLetteredDeliveryKeepsItsError() {
    String id = id();
    store.write(
        List.of(
            seen(event(id, null, 0)),
            step(id, "stock", Outcome.DEAD_LETTERED, 20, 1, "boom: it's \"quoted\"\nline 2")));

    Delivery d = store.event(id).orElseThrow().deliveries().get(0);

    assertThat(d.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
    assertThat(d.error()).isEqualTo("boom: it's \"quoted\"\nline 2");
  }

  @Test
  void stepsMayArriveBeforeTheirEvent() {
    String id = id();
    store.write(List.of(step(id, "audit", Outcome.HANDLED, 5, 1, null)));
    assertThat(store.event(id)).isEmpty();

    store.write(List.of(seen(event(id, null, 0))));

    assertThat(store.event(id).orElseThrow().deliveries())
        .singleElement()
        .extracting(Delivery::outcome)
        .isEqualTo(Outcome.HANDLED);
  }

  @Test
  void childrenComeInTimeOrder() {
    String root = id();
    String other = id();
    EventRecord late = event(id(), root, 3, root);
    EventRecord early = event(id(), root, 1, root);
    EventRecord both = event(id(), root, 2, other, root);
    store.write(List.of(seen(event(root, null, 0)), seen(late), seen(early), seen(both)));

    assertThat(store.children(root, 10))
        .extracting(EventRecord::id)
        .containsExactly(early.id(), both.id(), late.id());
    assertThat(store.children(root, 2)).hasSize(2);
    assertThat(store.children(other, 10)).extracting(EventRecord::id).containsExactly(both.id());
  }

  @Test
  void aCorrelationListsItsEventsInTimeOrder() {
    String corr = "c-" + id();
    EventRecord a = event(id(), corr, 0);
    EventRecord c = event(id(), corr, 2, a.id());
    EventRecord b = event(id(), corr, 1, a.id());
    store.write(List.of(seen(c), seen(a), seen(b), seen(event(id(), "c-" + id(), 1))));

    assertThat(store.correlation(corr, 100))
        .extracting(EventRecord::id)
        .containsExactly(a.id(), b.id(), c.id());
    assertThat(store.correlation(corr, 2))
        .extracting(EventRecord::id)
        .containsExactly(a.id(), b.id());
  }

  @Test
  void anotherConnectionSeesTheSameLineage() {
    String id = id();
    store.write(List.of(seen(event(id, null, 0)), step(id, "s", Outcome.HANDLED, 1, 1, null)));

    LineageStore other = reopen();
    opened.add(other);

    assertThat(other.event(id)).isEqualTo(store.event(id));
  }

  @Test
  void aLargeBatchIsWrittenWhole() {
    String corr = "c-" + id();
    List<LineageWrite> batch = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String id = id();
      batch.add(seen(event(id, corr, i)));
      batch.add(step(id, "s", Outcome.HANDLED, i, 1, null));
    }
    store.write(batch);

    assertThat(store.correlation(corr, 1000)).hasSize(600);
  }
}
