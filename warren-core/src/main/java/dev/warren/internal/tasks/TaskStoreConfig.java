package dev.warren.internal.tasks;

import dev.warren.WarrenOptions;

/**
 * A task and lineage store URL, as {@link WarrenOptions#storeUrl()} gives it. Reads no environment:
 * the options are the one place Warren's settings come from.
 *
 * @param url {@code memory:} (default), {@code jdbc:postgresql://…} or {@code redis://…}
 */
public record TaskStoreConfig(String url) {
  /** The default: the process-wide in-memory store. */
  public static final String MEMORY = "memory:";

  /** Canonical constructor: blank means memory. */
  public TaskStoreConfig {
    url = url == null || url.isBlank() ? MEMORY : url.trim();
  }

  /**
   * @param options an instance's options
   * @return the store they name
   */
  public static TaskStoreConfig of(WarrenOptions options) {
    return new TaskStoreConfig(options.storeUrl());
  }

  /**
   * The store named by {@code WARREN_STORE_URL}, read through {@link
   * WarrenOptions#fromEnvironment()}. why: kept for the CLI's commands until they take their store
   * from the instance's options; nothing in core calls it.
   *
   * @return the store of the process environment's options
   */
  public static TaskStoreConfig fromEnvironment() {
    return of(WarrenOptions.fromEnvironment());
  }

  /**
   * @return the URL without its password, for logs
   */
  public String urlForDisplay() {
    return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
