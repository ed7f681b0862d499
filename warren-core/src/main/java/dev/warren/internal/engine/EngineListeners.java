package dev.warren.internal.engine;

import dev.warren.Event;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's listeners, each call guarded so a faulty listener cannot break the engine. */
final class EngineListeners implements EngineListener {
  private static final Logger log = LoggerFactory.getLogger(EngineListeners.class);

  private final List<EngineListener> all = new CopyOnWriteArrayList<>();

  void add(EngineListener l) {
    all.add(l);
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  private static void guard(EngineListener l, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("engine listener {} failed: {}", l.getClass().getName(), e.toString());
    }
  }

  @Override
  public void beforePublish(Event event, Map<String, Object> headers) {
    for (EngineListener l : all) {
      guard(l, () -> l.beforePublish(event, headers));
    }
  }

  @Override
  public void published(Event event, int bytes, long nanos) {
    for (EngineListener l : all) {
      guard(l, () -> l.published(event, bytes, nanos));
    }
  }

  @Override
  public void publishFailed(Event event, Throwable error) {
    for (EngineListener l : all) {
      guard(l, () -> l.publishFailed(event, error));
    }
  }

  @Override
  public AutoCloseable beforeHandle(String subscription, Event event, Map<String, Object> headers) {
    if (all.isEmpty()) {
      return null;
    }
    List<AutoCloseable> scopes = new java.util.ArrayList<>(all.size());
    for (EngineListener l : all) {
      guard(
          l,
          () -> {
            AutoCloseable s = l.beforeHandle(subscription, event, headers);
            if (s != null) {
              scopes.add(s);
            }
          });
    }
    return scopes.isEmpty()
        ? null
        : () -> {
          for (int i = scopes.size() - 1; i >= 0; i--) {
            try {
              scopes.get(i).close();
            } catch (Exception e) {
              log.warn("closing a listener scope failed: {}", e.toString());
            }
          }
        };
  }

  @Override
  public void handled(String subscription, Event event, long attempts, long nanos) {
    for (EngineListener l : all) {
      guard(l, () -> l.handled(subscription, event, attempts, nanos));
    }
  }

  @Override
  public void retried(
      String subscription, Event event, long attempts, Throwable error, long delayMillis) {
    for (EngineListener l : all) {
      guard(l, () -> l.retried(subscription, event, attempts, error, delayMillis));
    }
  }

  @Override
  public void deadLettered(
      String subscription, Event event, String eventId, long attempts, Throwable error) {
    for (EngineListener l : all) {
      guard(l, () -> l.deadLettered(subscription, event, eventId, attempts, error));
    }
  }

  @Override
  public void replayed(String subscription, String eventId) {
    for (EngineListener l : all) {
      guard(l, () -> l.replayed(subscription, eventId));
    }
  }

  @Override
  public void close() {
    for (EngineListener l : all) {
      guard(l, l::close);
    }
  }
}
