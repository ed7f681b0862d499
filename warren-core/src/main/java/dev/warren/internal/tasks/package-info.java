/**
 * The task queue behind {@link dev.warren.tasks.Tasks}: {@link dev.warren.internal.tasks.TaskQueue}
 * submits and registers, {@link dev.warren.internal.tasks.TaskWorker} runs tasks from one task
 * queue, {@link dev.warren.internal.tasks.TaskOutcomes} completes handles' futures from the tasks'
 * terminal events, {@link dev.warren.internal.tasks.TaskMessage} is the wire format, {@link
 * dev.warren.internal.delay.DelayQueues} holds delayed tasks in the broker, and the in-memory
 * {@link dev.warren.tasks.spi.TaskStore} lives here too.
 */
package dev.warren.internal.tasks;
