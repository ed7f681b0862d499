/**
 * Spring Boot tests of an application's use of Warren on the test harness ({@code warren-test}'s
 * {@code WarrenHarness}): {@link dev.warren.spring.boot.test.WarrenTest}, a slice with only Warren,
 * JSON and the beans that have {@code @WarrenListener} or {@code @WarrenTask} methods, and {@link
 * dev.warren.spring.boot.test.AutoConfigureWarrenHarness}, which puts the harness under any Spring
 * test, {@code @SpringBootTest} included.
 *
 * <p>Needs {@code dev.warren:warren-test} and {@code spring-boot-starter-test} on the test
 * classpath.
 */
package dev.warren.spring.boot.test;
