package dev.warren.tasks;

/**
 * A typed task: arguments in, result out. Registered with {@link Tasks#register(String, Class,
 * TaskFunction)}; for progress, cancellation checks or the attempt number, register a {@link
 * TaskHandler} instead.
 *
 * @param <A> the arguments' type
 * @param <R> the result's type
 */
@FunctionalInterface
public interface TaskFunction<A, R> {
  /**
   * @param args the task's arguments
   * @return the task's result, encoded as JSON; {@code null} for none
   * @throws Exception to fail the attempt; it is retried as the task's options say, unless it is a
   *     {@link dev.warren.NonRetryableException}
   */
  R run(A args) throws Exception;
}
