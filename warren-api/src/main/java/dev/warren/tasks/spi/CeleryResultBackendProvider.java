package dev.warren.tasks.spi;

/**
 * Opens a {@link CeleryResultBackend} for a URL; found with {@link java.util.ServiceLoader}
 * (warren-redis provides {@code redis://}).
 */
public interface CeleryResultBackendProvider {
  /**
   * @param url a Celery result backend URL
   * @return whether this provider opens it
   */
  boolean supports(String url);

  /**
   * @param url a supported URL
   * @return a connected backend
   * @throws dev.warren.tasks.TaskStoreException when it cannot be reached
   */
  CeleryResultBackend open(String url);
}
