/**
 * Warren's public API: {@link dev.warren.Warren} to publish and subscribe, {@link dev.warren.Event}
 * the CloudEvents envelope, {@link dev.warren.Subscription} what to receive, and {@link
 * dev.warren.WarrenException} the root of every error.
 */
package dev.warren;
