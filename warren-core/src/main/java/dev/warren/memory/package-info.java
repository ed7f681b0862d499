/**
 * What a test may ask the embedded in-memory broker that no real broker answers: whether anything
 * is still moving ({@link dev.warren.memory.EmbeddedBroker}). The broker itself is chosen through
 * {@link dev.warren.WarrenOptions} ({@code transport(MEMORY)}, {@code memoryBroker(name)}, {@code
 * clock(..)}).
 */
package dev.warren.memory;
