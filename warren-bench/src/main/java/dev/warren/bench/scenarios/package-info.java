/**
 * The scenarios, one class each, and {@link dev.warren.bench.scenarios.Scenarios}, the list the
 * command line picks from. The numbers follow the benchmark issue: 1 publish with confirms, 2 end
 * to end, 3 fixed-rate latency, 4 HTTP ingestion, 5 in-memory transport, 6 tasks, 7 footprint; and
 * the cost of lineage recording.
 */
package dev.warren.bench.scenarios;
