/**
 * The PostgreSQL {@link dev.warren.tasks.spi.TaskStore}: {@code
 * WARREN_STORE_URL=jdbc:postgresql://host:5432/db?user=…&password=…[&currentSchema=…]}. Plain JDBC
 * over a small HikariCP pool; tables {@code warren_task} and {@code warren_task_revoke} are created
 * on first use.
 */
package dev.warren.postgres;
