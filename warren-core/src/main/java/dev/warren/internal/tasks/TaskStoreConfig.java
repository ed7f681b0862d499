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
   * @return the URL without its password, for logs
   */
  public String urlForDisplay() {
    return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
