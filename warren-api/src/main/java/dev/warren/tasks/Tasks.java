package dev.warren.tasks;

/**
 * The task queue of a {@link dev.warren.Warren} instance ({@code warren.tasks()}). Tasks travel as
 * messages on task queues (default {@value TaskOptions#DEFAULT_QUEUE}); their state, results and
 * revokes live in a {@link dev.warren.tasks.spi.TaskStore} chosen by {@link
 * dev.warren.WarrenOptions#storeUrl()}.
 *
 * <pre>{@code
 * Tasks tasks = warren.tasks();
 * tasks.register("thumbnail", ctx -> {                       // this process is now a worker
 *   ctx.progress(0.5, Map.of("stage", "render"));
 *   return new Thumb(ctx.args(Image.class).path() + ".png");
 * });
 * TaskHandle<Thumb> h = tasks.submit("thumbnail", new Image("cat.jpg"), Thumb.class);
 * Thumb t = h.future().get(1, TimeUnit.MINUTES);
 *
 * tasks.register("add", Pair.class, p -> p.a() + p.b());   // typed: arguments in, result out
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
   * @throws dev.warren.InvalidInputException when the name is invalid or already registered
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
   * @throws dev.warren.InvalidInputException when the name or queue is invalid, or the name is
   *     already registered
   */
  void register(String name, String queue, TaskHandler handler);

  /**
   * Registers a typed task on the default queue: its arguments are decoded as {@code argsType}, and
   * what the function returns is the task's result.
   *
   * <pre>{@code
   * tasks.register("image.render", Render.class, r -> new Rendered(render(r)));
   * }</pre>
   *
   * @param name the task name
   * @param argsType the arguments' type; arguments that cannot be decoded fail the task without a
   *     retry
   * @param function computes the result
   * @param <A> the arguments' type
   * @throws dev.warren.InvalidInputException when the name is invalid or already registered
   */
  default <A> void register(String name, Class<A> argsType, TaskFunction<? super A, ?> function) {
    register(name, TaskOptions.DEFAULT_QUEUE, argsType, function);
  }

  /**
   * Registers a typed task on a task queue.
   *
   * @param name the task name
   * @param queue the task queue to consume
   * @param argsType the arguments' type
   * @param function computes the result
   * @param <A> the arguments' type
   * @throws dev.warren.InvalidInputException when the name or queue is invalid, or the name is
   *     already registered
   */
  default <A> void register(
      String name, String queue, Class<A> argsType, TaskFunction<? super A, ?> function) {
    java.util.Objects.requireNonNull(argsType, "argsType");
    java.util.Objects.requireNonNull(function, "function");
    register(name, queue, ctx -> function.run(ctx.args(argsType)));
  }

  /**
   * Submits a task whose result is decoded as {@code resultType}, and returns once the broker
   * confirmed it.
   *
   * @param name the task name
   * @param args the arguments; {@code null} for none
   * @param resultType the result's type
   * @param options queue, schedule, retries, limits, result TTL
   * @param <R> the result's type
   * @return a handle whose {@link TaskHandle#future()} completes with the result
   * @throws dev.warren.InvalidInputException when the name is invalid or the arguments cannot be
   *     encoded
   * @throws dev.warren.BrokerUnavailableException when the broker could not take it
   */
  <R> TaskHandle<R> submit(String name, Object args, Class<R> resultType, TaskOptions options);

  /**
   * @param name the task name
   * @param args the arguments; {@code null} for none
   * @param resultType the result's type
   * @param <R> the result's type
   * @return a handle on the task, submitted with {@link TaskOptions#defaults()}
   */
  default <R> TaskHandle<R> submit(String name, Object args, Class<R> resultType) {
    return submit(name, args, resultType, TaskOptions.defaults());
  }

  /**
   * Submits a task: records it as {@link TaskState#PENDING} (or {@link TaskState#SCHEDULED} with a
   * countdown or ETA) and publishes it; returns once the broker confirmed it.
   *
   * @param name the task name (need not be registered in this process)
   * @param args the arguments, encoded as JSON; {@code null} for none
   * @param options queue, schedule, retries, limits, result TTL
   * @return a handle on the task
   * @throws dev.warren.InvalidInputException when the name is invalid
   * @throws dev.warren.InvalidInputException when the arguments cannot be encoded
   * @throws dev.warren.BrokerUnavailableException when the broker could not take it
   */
  TaskHandle<Object> submit(String name, Object args, TaskOptions options);

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
   * @throws dev.warren.InvalidInputException when the name is invalid
   * @throws dev.warren.InvalidInputException when the arguments cannot be encoded
   */
  java.util.concurrent.CompletableFuture<TaskHandle<Object>> submitAsync(
      String name, Object args, TaskOptions options);

  /**
   * @param name the task name
   * @param args the arguments; {@code null} for none
   * @return a handle on the task, submitted with {@link TaskOptions#defaults()}
   */
  default TaskHandle<Object> submit(String name, Object args) {
    return submit(name, args, TaskOptions.defaults());
  }

  /**
   * @param id a task id
   * @return a handle on that task (which may not exist); its result decodes as JSON values (maps,
   *     lists, strings, numbers)
   */
  TaskHandle<Object> task(String id);

  /**
   * @param id a task id
   * @param resultType the result's type
   * @param <R> the result's type
   * @return a handle on that task (which may not exist)
   */
  <R> TaskHandle<R> task(String id, Class<R> resultType);

  /**
   * Declares the limits of a task name for every worker sharing this instance's task store: they
   * are kept in the store, and each worker reads them again within a few seconds. A task over a
   * limit is sent to wait in the broker and tried again; it is never held unacknowledged by a
   * worker.
   *
   * <pre>{@code
   * tasks.limit("report.build", TaskLimits.none().concurrency(4).perKeyConcurrency(1));
   * tasks.limit("email.send", TaskLimits.parse("100/s"));
   * }</pre>
   *
   * @param name the task name
   * @param limits its limits; {@link TaskLimits#none()} removes them
   * @throws dev.warren.InvalidInputException when the name is invalid, the limits are {@code null},
   *     or the task store cannot keep limits
   */
  void limit(String name, TaskLimits limits);

  /**
   * @return the declared limits, by task name, as the task store has them
   */
  java.util.Map<String, TaskLimits> limits();

  /**
   * @return which store keeps task state, for example {@code memory} or {@code postgresql
   *     127.0.0.1:5432/warren}
   */
  String describeStore();
}
