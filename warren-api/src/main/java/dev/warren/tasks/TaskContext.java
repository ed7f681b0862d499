package dev.warren.tasks;

/** What a running task sees: its arguments, its attempt, progress reporting and cancellation. */
public interface TaskContext {
  /**
   * @return the task id
   */
  String id();

  /**
   * @return the task name
   */
  String name();

  /**
   * @return the attempt number, 1 on the first run; more after a retry or after the worker running
   *     it was lost (at-least-once: a task may run again after a crash)
   */
  int attempt();

  /**
   * @return the arguments as JSON text ({@code null} when submitted without)
   */
  String argsJson();

  /**
   * @param type a record or other JSON-mappable class
   * @param <T> the type
   * @return the arguments decoded as that type
   * @throws dev.warren.InvalidInputException when they cannot be decoded
   */
  <T> T args(Class<T> type);

  /**
   * Reports progress: the task enters {@link TaskState#PROGRESS}, the store keeps the values and
   * {@code task.<name>.progress} is published.
   *
   * @param fraction how far along, in [0, 1]
   * @param meta extra details, encoded as JSON; {@code null} for none
   * @throws dev.warren.InvalidInputException when the fraction is outside [0, 1]
   */
  void progress(double fraction, Object meta);

  /**
   * @return whether the task should stop: revoked, or past its soft time limit
   */
  boolean isCancelled();

  /**
   * Throws when the task should stop, so long loops can call it between steps.
   *
   * @throws TaskCancelledException when revoked or past the soft time limit
   */
  void checkCancelled();
}
