/**
 * Seed 004, <b>an API with tasks and direct messaging</b>: an application that submits tasks over
 * HTTP, follows their state, progress and result, revokes one, and declares, fills, inspects,
 * purges and deletes a queue — the same code with messaging "disabled" (Warren's embedded broker)
 * or enabled (RabbitMQ); only the {@link dev.warren.WarrenOptions} differ.
 *
 * <p>Read {@link dev.warren.examples.tasksapi.TasksApiExample} first: it is the script.
 */
package dev.warren.examples.tasksapi;
