package dev.warren.tasks.spi;

import dev.warren.tasks.TaskStatus;
import java.time.Instant;

/**
 * What a {@link TaskStore} knows of one task, read in one go by {@link TaskStore#lookupAll}.
 *
 * @param status its status, or {@code null} when unknown or expired
 * @param revokedAt when it was revoked, or {@code null}
 */
public record TaskLookup(TaskStatus status, Instant revokedAt) {}
