/**
 * The transport SPI: the small broker interface the engine is written against, implemented by the
 * in-memory and the RabbitMQ transports.
 */
package dev.warren.transport;
