/**
 * Metrics (Micrometer, to {@code Metrics.globalRegistry}) and tracing (OpenTelemetry, through
 * {@code GlobalOpenTelemetry}) as engine listeners: both cost next to nothing until the application
 * adds a registry or installs an SDK.
 */
package dev.warren.internal.observability;
