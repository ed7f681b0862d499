/**
 * The benchmark harness behind {@code ./warren bench}: Warren against the raw amqp-client and
 * Spring AMQP on RabbitMQ, and the in-memory transport against an {@link
 * java.util.concurrent.ArrayBlockingQueue} hand-off.
 *
 * <ul>
 *   <li>{@link dev.warren.bench.BenchMain}: the command line
 *   <li>{@link dev.warren.bench.Scenario} and {@link dev.warren.bench.Contender}: what is measured,
 *       one class per scenario in {@code scenarios}
 *   <li>{@link dev.warren.bench.ScenarioRunner}: warm-up, then alternating rounds, one contender at
 *       a time
 *   <li>{@code clients}: each library's way of publishing with confirms and consuming with acks
 *   <li>{@link dev.warren.bench.Report}: Markdown and JSON
 * </ul>
 */
package dev.warren.bench;
