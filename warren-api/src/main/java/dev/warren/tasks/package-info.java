/**
 * The Celery-style task queue: {@link dev.warren.tasks.Tasks} (from {@code warren.tasks()}) to
 * register {@link dev.warren.tasks.TaskHandler}s and submit tasks, {@link
 * dev.warren.tasks.TaskHandle} to follow one, {@link dev.warren.tasks.TaskStatus} its state.
 * Depends on {@code dev.warren} only.
 */
package dev.warren.tasks;
