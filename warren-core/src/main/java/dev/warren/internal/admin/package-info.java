/**
 * {@link dev.warren.admin.WarrenAdmin} over the transport SPI and the task store: queues as the
 * broker reports them, subscriptions recognised by the queue names and arguments the engine gives
 * them ({@link dev.warren.internal.engine.Topology}), tasks read from the store without a worker.
 */
package dev.warren.internal.admin;
