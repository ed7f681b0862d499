package dev.warren.internal.lineage;

import dev.warren.lineage.EventRecord;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageStoreProvider;
import dev.warren.lineage.spi.LineageWrite;
import java.util.List;
import java.util.Optional;

/**
 * {@code memory:}: one bounded store per process, shared by every Warren instance in it, the way a
 * broker would be, bounded to {@value InMemoryLineageStore#DEFAULT_CAPACITY} events.
 */
public final class InMemoryLineageStoreProvider implements LineageStoreProvider {
  private static final InMemoryLineageStore SHARED =
      new InMemoryLineageStore(InMemoryLineageStore.DEFAULT_CAPACITY);

  @Override
  public boolean supports(String url) {
    return url.startsWith("memory:");
  }

  @Override
  public LineageStore create(String url) {
    return new Unclosable(SHARED);
  }

  /** The shared store, which one instance closing must not close for the others. */
  private record Unclosable(LineageStore store) implements LineageStore {
    @Override
    public void write(List<LineageWrite> batch) {
      store.write(batch);
    }

    @Override
    public Optional<EventRecord> event(String eventId) {
      return store.event(eventId);
    }

    @Override
    public List<EventRecord> children(String parentId, int limit) {
      return store.children(parentId, limit);
    }

    @Override
    public List<EventRecord> correlation(String correlationId, int limit) {
      return store.correlation(correlationId, limit);
    }

    @Override
    public void close() {}
  }
}
