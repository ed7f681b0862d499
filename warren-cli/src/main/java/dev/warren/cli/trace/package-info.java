/** {@code warren trace}: an event's lineage as a tree in the terminal. */
package dev.warren.cli.trace;
