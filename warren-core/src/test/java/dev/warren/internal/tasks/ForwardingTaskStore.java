package dev.warren.internal.tasks;

import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskStore;
import java.time.Instant;
import java.util.Optional;

/** A task store that hands every call to another, for tests that watch or change a few. */
abstract class ForwardingTaskStore implements TaskStore {
  private final TaskStore delegate;

  ForwardingTaskStore(TaskStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public String describe() {
    return "forwarding to " + delegate.describe();
  }

  @Override
  public void put(TaskStatus status) {
    delegate.put(status);
  }

  @Override
  public Optional<TaskStatus> get(String id) {
    return delegate.get(id);
  }

  @Override
  public boolean revoke(String id, Instant at, Instant keepUntil) {
    return delegate.revoke(id, at, keepUntil);
  }

  @Override
  public Optional<Instant> revokedAt(String id) {
    return delegate.revokedAt(id);
  }

  @Override
  public int purgeExpired(Instant now) {
    return delegate.purgeExpired(now);
  }

  @Override
  public void close() {}
}
