/**
 * Recurring schedules: {@link dev.warren.schedules.Schedules} ({@code warren.schedules()}) fires
 * each slot of a cron or interval {@link dev.warren.schedules.Schedule} exactly once across all
 * instances sharing a store, by submitting a task.
 */
package dev.warren.schedules;
