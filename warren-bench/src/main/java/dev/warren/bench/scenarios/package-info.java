/**
 * The scenarios, one class each, and {@link dev.warren.bench.scenarios.Scenarios}, the list the
 * command line picks from. The numbers follow the benchmark issue: 1 publish with confirms, 2 end
 * to end, 3 fixed-rate latency, 5 in-memory transport (4 HTTP, 6 tasks and 7 footprint come later).
 */
package dev.warren.bench.scenarios;
