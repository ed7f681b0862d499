package dev.warren.internal.tasks;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.TaskRevokes;
import dev.warren.tasks.spi.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The workers' in-memory view of the store's revokes: fresh, stale, or not offered. */
@Timeout(value = 30, unit = SECONDS)
class RevokeViewTest {

  @Test
  void aRevokeInTheStoreReachesTheViewWithinAFractionOfASecond() {
    InMemoryTaskStore store = new InMemoryTaskStore();
    Instant now = Instant.now();
    store.revoke("old", now, now.plusSeconds(60));
    try (RevokeView view = new RevokeView(store)) {
      view.start();
      await().atMost(5, SECONDS).until(() -> view.revoked("old") != null);
      assertThat(view.revoked("old")).isTrue();
      assertThat(view.revoked("other")).isFalse();

      long at = System.nanoTime();
      store.revoke("new", now, now.plusSeconds(60));
      await().atMost(5, SECONDS).until(() -> Boolean.TRUE.equals(view.revoked("new")));
      assertThat(Duration.ofNanos(System.nanoTime() - at)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void aStoreWithoutARevokeLogLeavesEveryAnswerToTheStore() {
    TaskStore noLog = new DelegatingStore(new InMemoryTaskStore(), null);
    try (RevokeView view = new RevokeView(noLog)) {
      assertThat(view.refresh()).isFalse();
      assertThat(view.revoked("any")).isNull();
    }
  }

  @Test
  void aViewThatCannotReadTheStoreGoesStaleAndStopsAnswering() throws Exception {
    AtomicBoolean down = new AtomicBoolean();
    TaskStore flaky = new DelegatingStore(new InMemoryTaskStore(), down);
    try (RevokeView view = new RevokeView(flaky)) {
      view.start();
      await().atMost(5, SECONDS).until(() -> view.revoked("x") != null);
      down.set(true);
      await().atMost(RevokeView.FRESH_FOR.plusSeconds(3)).until(() -> view.revoked("x") == null);
      down.set(false);
      await().atMost(5, SECONDS).until(() -> view.revoked("x") != null);
      assertThat(view.revoked("x")).isFalse();
    }
  }

  /** A store whose revoke log is missing ({@code down} null) or fails while {@code down}. */
  private static final class DelegatingStore extends ForwardingTaskStore {
    private final InMemoryTaskStore delegate;
    private final AtomicBoolean down;

    DelegatingStore(InMemoryTaskStore delegate, AtomicBoolean down) {
      super(delegate);
      this.delegate = delegate;
      this.down = down;
    }

    @Override
    public Optional<TaskRevokes> revokesAfter(long after, int limit) {
      if (down == null) {
        return Optional.empty();
      }
      if (down.get()) {
        throw new TaskStoreException("down");
      }
      return delegate.revokesAfter(after, limit);
    }
  }
}
