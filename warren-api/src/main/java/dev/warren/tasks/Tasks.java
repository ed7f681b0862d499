package dev.warren.tasks;

/**
 * The task queue of a {@link dev.warren.Warren} instance ({@code warren.tasks()}). Tasks travel as
 * messages on task queues (default {@value TaskOptions#DEFAULT_QUEUE}); their state, results and
 * revokes live in a {@link dev.warren.tasks.spi.TaskStore} chosen by {@code WARREN_STORE_URL}.
 *
 * <pre>{@code
 * Tasks tasks = warren.tasks();
 * tasks.register("thumbnail", ctx -> {                       // this process is now a worker
 *   ctx.progress(0.5, Map.of("stage", "render"));
 *   return new Thumb(ctx.args(Image.class).path() + ".png");
 * });
 * TaskHandle h = tasks.submit("thumbnail", new Image("cat.jpg"), TaskOptions.defaults());
 * Thumb t = h.result(Thumb.class, Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Delivery is at least once: a task whose worker dies mid-run is run again, with a higher {@link
 * TaskContext#attempt()}. Each state change is also published on the bus as {@code
 * task.<name>.started|progress|succeeded|failed|revoked}.
 */
public interface Tasks {

  /**
   * Registers a handler and starts consuming the default task queue, one task at a time.
   *
   * @param name the task name: letters, digits, {@code -} and {@code _}, dot-separated
   * @param handler runs each task of that name
   * @throws IllegalArgumentException when the name is invalid or already registered
   */
  default void register(String name, TaskHandler handler) {
    register(name, TaskOptions.DEFAULT_QUEUE, handler);
  }

  /**
   * Registers a handler and starts consuming a task queue (once per queue), one task at a time:
   * prefetch 1, so a busy worker never hoards tasks that an idle one could run.
   *
   * @param name the task name
   * @param queue the task queue to consume
   * @param handler runs each task of that name
   * @throws IllegalArgumentException when the name or queue is invalid, or the name is already
   *     registered
   */
  void register(String name, String queue, TaskHandler handler);

  /**
   * Submits a task: records it as {@link TaskState#PENDING} (or {@link TaskState#SCHEDULED} with a
   * countdown or ETA) and publishes it; returns once the broker confirmed it.
   *
   * @param name the task name (need not be registered in this process)
   * @param args the arguments, encoded as JSON; {@code null} for none
   * @param options queue, schedule, retries, limits, result TTL
   * @return a handle on the task
   * @throws IllegalArgumentException when the name is invalid
   * @throws dev.warren.InvalidEventException when the arguments cannot be encoded
   * @throws dev.warren.BrokerUnavailableException when the broker could not take it
   */
  TaskHandle submit(String name, Object args, TaskOptions options);

  /**
   * Submits a task without waiting for the broker: the state is recorded before this returns, the
   * future completes once the broker confirmed the message (or fails, and the task is then recorded
   * as {@link TaskState#FAILURE}). For producers that submit many tasks at once.
   *
   * @param name the task name
   * @param args the arguments, encoded as JSON; {@code null} for none
   * @param options queue, schedule, retries, limits, result TTL
   * @return completes with a handle once the broker confirmed the task; it may complete on a
   *     transport thread, so dependants must not block
   * @throws IllegalArgumentException when the name is invalid
   * @throws dev.warren.InvalidEventException when the arguments cannot be encoded
   */
  java.util.concurrent.CompletableFuture<TaskHandle> submitAsync(
      String name, Object args, TaskOptions options);

  /**
   * @param name the task name
   * @param args the arguments; {@code null} for none
   * @return a handle on the task, submitted with {@link TaskOptions#defaults()}
   */
  default TaskHandle submit(String name, Object args) {
    return submit(name, args, TaskOptions.defaults());
  }

  /**
   * @param id a task id
   * @return a handle on that task (which may not exist)
   */
  TaskHandle task(String id);

  /**
   * @return which store keeps task state, for example {@code memory} or {@code postgresql
   *     127.0.0.1:5432/warren}
   */
  String describeStore();
}
