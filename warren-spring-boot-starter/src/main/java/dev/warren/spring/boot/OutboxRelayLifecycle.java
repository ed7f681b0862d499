package dev.warren.spring.boot;

import dev.warren.Warren;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxHealth;
import dev.warren.outbox.OutboxRelay;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the outbox relay as part of the application's lifecycle: started with the context, stopped
 * (finishing the publishes in flight and marking those confirmed) when it closes, before the {@link
 * Warren} bean it publishes with is closed.
 *
 * <p>why its phase is below the listeners' ({@link WarrenLifecycle}, the default phase): it starts
 * before them and stops after them, so the events their handlers commit while draining on shutdown
 * are still relayed.
 */
final class OutboxRelayLifecycle implements SmartLifecycle {
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private final Outbox outbox;
  private final Warren warren;
  private volatile OutboxRelay relay;

  /**
   * @param outbox the outbox to relay
   * @param warren the instance to publish with; its direct one when it is wrapped for the outbox
   */
  OutboxRelayLifecycle(Outbox outbox, Warren warren) {
    this.outbox = outbox;
    this.warren = OutboxWarren.direct(warren);
  }

  @Override
  public synchronized void start() {
    if (relay == null) {
      relay = outbox.startRelay(warren);
    }
  }

  @Override
  public synchronized void stop() {
    OutboxRelay running = relay;
    relay = null;
    if (running != null) {
      running.close();
    }
  }

  @Override
  public boolean isRunning() {
    return relay != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * @return the running relay's view of the backlog, or {@code null} while it is stopped
   */
  OutboxHealth health() {
    OutboxRelay running = relay;
    return running == null ? null : running.health();
  }

  /**
   * @return the outbox relayed
   */
  Outbox outbox() {
    return outbox;
  }
}
