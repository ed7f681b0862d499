package dev.warren.tasks.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Where Celery keeps task outcomes, as Celery's own result backend of the same URL keeps them: the
 * JSON meta document ({@code status}, {@code result}, {@code traceback}, {@code date_done}, {@code
 * task_id}, …) under the task id. Found by URL with {@link CeleryResultBackendProvider}.
 */
public interface CeleryResultBackend extends AutoCloseable {
  /**
   * @return what it is, without passwords, for logs
   */
  String describe();

  /**
   * Writes a task's meta document and tells those waiting for it (Celery's Redis backend also
   * publishes it on the key's channel, which {@code AsyncResult.get()} listens to).
   *
   * @param taskId the task id
   * @param metaJson the meta document, JSON
   * @param expires how long it is kept
   * @throws dev.warren.tasks.TaskStoreException when the backend cannot be written
   */
  void store(String taskId, String metaJson, Duration expires);

  /**
   * @param taskId the task id
   * @return its meta document, or empty when the backend has none
   * @throws dev.warren.tasks.TaskStoreException when the backend cannot be read
   */
  Optional<String> read(String taskId);

  /** Releases its connections. */
  @Override
  void close();
}
