package dev.warren.tasks.spi;

import java.time.Instant;
import java.util.Map;

/**
 * A page of a store's revoke log ({@link TaskStore#revokesAfter}): the revokes recorded after a
 * position, and the position to read on from.
 *
 * @param revoked when each task was revoked, by task id, in the order of the log
 * @param position the position of the last revoke in this page (the one asked from when empty)
 */
public record TaskRevokes(Map<String, Instant> revoked, long position) {
  /** Canonical constructor: copies the map, keeping its order. */
  public TaskRevokes {
    revoked =
        revoked == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(revoked));
  }
}
