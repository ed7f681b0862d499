/**
 * The seed applications running on Warren, each an {@link dev.warren.examples.Example} in a package
 * of its own; {@code ./warren demo} runs them.
 */
package dev.warren.examples;
