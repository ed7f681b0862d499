/**
 * Example 2, seed 002: an event hub with an audit trail. {@code <domain>.<entity>.<action>} events
 * reach consumers on exact, {@code *} and {@code #} patterns; an audit consumer sees everything;
 * handlers publish follow-ups whose lineage is drawn as a tree. Start reading at {@link
 * dev.warren.examples.eventhub.EventHubExample}.
 */
package dev.warren.examples.eventhub;
