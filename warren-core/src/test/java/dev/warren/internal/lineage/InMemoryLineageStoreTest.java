package dev.warren.internal.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.lineage.EventRecord;
import dev.warren.lineage.spi.LineageWrite;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What only the bounded in-memory store does: forget the oldest events. */
class InMemoryLineageStoreTest {
  private static LineageWrite seen(String id, String parent) {
    return new LineageWrite.EventSeen(
        new EventRecord(
            id,
            "t",
            "/s",
            Instant.now(),
            "c",
            parent == null ? List.of() : List.of(parent),
            0,
            List.of()));
  }

  @Test
  void theOldestEventsAreForgottenBeyondCapacity() {
    InMemoryLineageStore store = new InMemoryLineageStore(3);
    store.write(List.of(seen("a", null), seen("b", "a"), seen("c", "a"), seen("d", "a")));

    assertThat(store.size()).isEqualTo(3);
    assertThat(store.event("a")).isEmpty();
    assertThat(store.children("a", 10)).isEmpty(); // why: its index went with it
    assertThat(store.correlation("c", 10))
        .extracting(EventRecord::id)
        .containsExactly("b", "c", "d");

    store.write(List.of(seen("e", null)));

    assertThat(store.event("b")).isEmpty();
    assertThat(store.correlation("c", 10))
        .extracting(EventRecord::id)
        .containsExactly("c", "d", "e");
  }
}
