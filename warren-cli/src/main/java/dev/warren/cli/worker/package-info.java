/**
 * {@code warren worker}: a language-neutral consumer that hands each event of a subscription to an
 * HTTP endpoint (CloudEvents HTTP binary mode) or to a command (structured JSON on its standard
 * input), with Warren's retries, dead letters and ordered partitions, and publishes what they
 * answer as replies caused by the event.
 */
package dev.warren.cli.worker;
