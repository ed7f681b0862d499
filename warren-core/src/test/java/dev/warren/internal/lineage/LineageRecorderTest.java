package dev.warren.internal.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.Event;
import dev.warren.WarrenException;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Recording never blocks the engine: a slow or absent store costs dropped records, not time. */
@Timeout(30)
class LineageRecorderTest {
  private static Event event() {
    return Event.builder("order.placed").source("/test").jsonData("{}").build();
  }

  /** A store whose writes hang until released. */
  private static final class StuckStore implements LineageStore {
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void write(List<LineageWrite> batch) {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public Optional<EventRecord> event(String eventId) {
      return Optional.empty();
    }

    @Override
    public List<EventRecord> children(String parentId, int limit) {
      return List.of();
    }

    @Override
    public List<EventRecord> correlation(String correlationId, int limit) {
      return List.of();
    }

    @Override
    public void close() {
      release.countDown();
    }
  }

  @Test
  void aStuckStoreMakesRecordsDropInsteadOfBlocking() {
    StuckStore stuck = new StuckStore();
    LineageRecorder recorder = new LineageRecorder(() -> stuck, "stuck:", 10);
    try {
      long start = System.nanoTime();
      for (int i = 0; i < 1_000; i++) {
        recorder.published(event(), 2, 1);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(recorder.dropped()).isGreaterThanOrEqualTo(1_000 - 10 - 500);
    } finally {
      stuck.release.countDown();
      recorder.close();
    }
  }

  @Test
  void anUnreachableStoreDropsRecordsAndFailsOnlyQueries() {
    LineageRecorder recorder =
        new LineageRecorder(
            () -> {
              throw new WarrenException("connection refused");
            },
            "redis://nowhere",
            100);
    try {
      recorder.published(event(), 2, 1);
      recorder.handled("s", event(), 1, 5);
      assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
      assertThatThrownBy(() -> recorder.event("x"))
          .isInstanceOf(WarrenException.class)
          .hasMessageContaining("redis://nowhere");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> recorder.dropped() >= 3);
    } finally {
      recorder.close();
    }
  }

  @Test
  void recordsReachTheStoreInBatches() {
    InMemoryLineageStore store = new InMemoryLineageStore(100);
    LineageRecorder recorder = new LineageRecorder(() -> store, "memory:", 100);
    try {
      Event e = event();
      recorder.published(e, 2, 1);
      recorder.handled("billing", e, 1, 1_000_000);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> recorder.event(e.id()).map(r -> r.deliveries().size() == 1).orElse(false));
      EventRecord r = recorder.event(e.id()).orElseThrow();
      assertThat(r.type()).isEqualTo("order.placed");
      assertThat(r.correlationId()).isEqualTo(e.id());
      assertThat(r.deliveries().get(0).handlerTime()).isEqualTo(Duration.ofMillis(1));
    } finally {
      recorder.close();
    }
  }
}
