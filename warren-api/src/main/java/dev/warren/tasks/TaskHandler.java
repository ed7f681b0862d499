package dev.warren.tasks;

/**
 * Runs a task. Register one per task name with {@link Tasks#register}.
 *
 * <pre>{@code
 * warren.tasks().register("resize", ctx -> {
 *   Resize r = ctx.args(Resize.class);
 *   for (int i = 1; i <= 10; i++) {
 *     ctx.checkCancelled();           // revoked or past the soft time limit: stop here
 *     step(r, i);
 *     ctx.progress(i / 10.0, Map.of("step", i));
 *   }
 *   return new Resized(r.path());    // stored as JSON, the task's result
 * });
 * }</pre>
 */
@FunctionalInterface
public interface TaskHandler {
  /**
   * @param context the task's arguments, attempt number, progress reporting and cancellation
   * @return the result, encoded as JSON ({@code null} for none)
   * @throws Exception to fail this attempt: it is retried up to {@link TaskOptions#maxRetries()}
   *     times with backoff, unless it is a {@link dev.warren.NonRetryableException}
   */
  Object handle(TaskContext context) throws Exception;
}
