/**
 * The Redis {@link dev.warren.tasks.spi.TaskStore}: {@code
 * WARREN_STORE_URL=redis://[user:password@]host:6379[/db][?prefix=warren:]}, on Jedis.
 */
package dev.warren.redis;
