/**
 * Recurring schedules: when slots fall ({@link dev.warren.internal.schedules.Slots}: cron with DST
 * rules, or intervals), the loop that claims and fires them ({@link
 * dev.warren.internal.schedules.SlotFirer}), the public face ({@link
 * dev.warren.internal.schedules.SchedulesImpl}) and the in-memory store.
 */
package dev.warren.internal.schedules;
