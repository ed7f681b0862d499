/**
 * Where schedules and their firings live: {@link dev.warren.schedules.spi.ScheduleStore}, found by
 * the store URL through {@link dev.warren.schedules.spi.ScheduleStoreProvider}. Implementations:
 * in-memory (warren-core), PostgreSQL (warren-postgres), Redis (warren-redis); all pass {@code
 * dev.warren.testkit.ScheduleStoreContractTest}.
 */
package dev.warren.schedules.spi;
