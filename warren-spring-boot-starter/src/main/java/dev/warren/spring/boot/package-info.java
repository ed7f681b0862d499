/**
 * Warren in a Spring Boot 4 application: {@link dev.warren.spring.boot.WarrenAutoConfiguration}
 * binds the {@code warren.*} properties ({@link dev.warren.spring.boot.WarrenProperties}) to {@link
 * dev.warren.WarrenOptions}, gives the {@link dev.warren.Warren}, {@link dev.warren.tasks.Tasks}
 * and {@link dev.warren.admin.WarrenAdmin} beans, starts the {@link
 * dev.warren.spring.boot.WarrenListener} and {@link dev.warren.spring.boot.WarrenTask} methods once
 * the context is ready and stops them first on shutdown, and reports Warren's health ({@link
 * dev.warren.spring.boot.WarrenHealthIndicator}). With {@code warren-outbox} and a data source,
 * {@link dev.warren.spring.boot.WarrenOutboxAutoConfiguration} routes publishing inside
 * transactions through the transactional outbox and runs its relay.
 *
 * <p>It uses Warren's public API only ({@code dev.warren..}); the rest of this package is
 * package-private.
 */
package dev.warren.spring.boot;
