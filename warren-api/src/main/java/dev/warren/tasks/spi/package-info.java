/**
 * Where task state, results and revokes live: {@link dev.warren.tasks.spi.TaskStore}, found by URL
 * through {@link dev.warren.tasks.spi.TaskStoreProvider}. Implementations: in-memory (in
 * warren-core), PostgreSQL (warren-postgres), Redis (warren-redis); all pass {@code
 * dev.warren.testkit.TaskStoreContractTest}.
 */
package dev.warren.tasks.spi;
