package dev.warren.spring.boot;

import dev.warren.InvalidInputException;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link WarrenListener} subscriptions and {@link WarrenTask} workers once every bean of
 * the context exists, and on shutdown stops taking events: each subscription stops consuming, lets
 * its running handlers finish within {@code warren.shutdown-timeout} and returns what it had
 * prefetched. The {@link Warren} bean itself closes after that, when the context destroys it.
 *
 * <p>Its phase is {@link SmartLifecycle#DEFAULT_PHASE}, as Spring AMQP's listener containers: it
 * starts after the web server and stops before it, so events stop arriving while HTTP requests
 * drain and can still publish.
 */
final class WarrenLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(WarrenLifecycle.class);

  private final Warren warren;
  private final WarrenMethods methods;
  private final List<SubscriptionHandle> handles = new ArrayList<>();
  private volatile boolean running;
  private boolean tasksRegistered;

  WarrenLifecycle(Warren warren, WarrenMethods methods) {
    this.warren = warren;
    this.methods = methods;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    List<ListenerMethod> listeners = methods.listeners();
    Map<String, ListenerMethod> byName = new HashMap<>();
    for (ListenerMethod listener : listeners) {
      ListenerMethod other = byName.putIfAbsent(listener.subscription().name(), listener);
      if (other != null) {
        throw new InvalidInputException(
            "subscription '"
                + listener.subscription().name()
                + "' is declared twice, by "
                + other.where()
                + " and "
                + listener.where()
                + ": give each @WarrenListener its own subscription");
      }
    }
    try {
      for (ListenerMethod listener : listeners) {
        handles.add(listener.subscribe(warren));
      }
      // why: a task handler cannot be unregistered, so the workers start once and stop with
      // the Warren bean
      if (!tasksRegistered) {
        for (TaskMethod task : methods.tasks()) {
          task.register(warren.tasks());
        }
        tasksRegistered = true;
      }
    } catch (RuntimeException e) {
      closeHandles();
      throw e;
    }
    running = true;
  }

  @Override
  public synchronized void stop() {
    closeHandles();
    running = false;
  }

  /** Closes the subscriptions in parallel, so stopping takes one shutdown timeout, not one each. */
  private void closeHandles() {
    List<Thread> closing = new ArrayList<>();
    for (SubscriptionHandle handle : handles) {
      closing.add(
          Thread.ofVirtual()
              .name("warren-stop-" + handle.subscription().name())
              .start(
                  () -> {
                    try {
                      handle.close();
                    } catch (RuntimeException e) {
                      log.warn(
                          "stopping subscription {}: {}",
                          handle.subscription().name(),
                          e.toString());
                    }
                  }));
    }
    for (Thread thread : closing) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    handles.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * @return the subscriptions started by this lifecycle, while running
   */
  synchronized List<SubscriptionHandle> handles() {
    return List.copyOf(handles);
  }
}
