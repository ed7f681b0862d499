/**
 * Task limits across all workers: {@link dev.warren.internal.tasks.limits.TaskLimiter} asks the
 * task store's {@link dev.warren.tasks.spi.TaskLimitStore} for a permit before a task starts, keeps
 * the leases of the permits it holds alive, and says how long a refused task should wait in the
 * broker. {@link dev.warren.internal.tasks.limits.InMemoryTaskLimitStore} is the embedded store's.
 */
package dev.warren.internal.tasks.limits;
