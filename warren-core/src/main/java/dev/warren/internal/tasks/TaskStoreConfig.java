package dev.warren.internal.tasks;

/**
 * Which task store to use. Read apart from {@link dev.warren.WarrenOptions} so the event bus does
 * not grow a store setting it does not use.
 *
 * @param url {@code memory:} (default), {@code jdbc:postgresql://…} or {@code redis://…}
 */
public record TaskStoreConfig(String url) {
  /** The environment variable naming the store. */
  public static final String ENV = "WARREN_STORE_URL";

  /** A system property that wins over the environment, for tests and embedded use. */
  public static final String PROPERTY = "warren.store.url";

  /** The default: the process-wide in-memory store. */
  public static final String MEMORY = "memory:";

  /** Canonical constructor: blank means memory. */
  public TaskStoreConfig {
    url = url == null || url.isBlank() ? MEMORY : url.trim();
  }

  /**
   * @return the store from {@value #PROPERTY} or {@value #ENV}, else memory
   */
  public static TaskStoreConfig fromEnvironment() {
    String url = System.getProperty(PROPERTY);
    if (url == null || url.isBlank()) {
      url = System.getenv(ENV);
    }
    return new TaskStoreConfig(url);
  }

  /**
   * @return the URL without its password, for logs
   */
  public String urlForDisplay() {
    return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
