/**
 * Where {@code warren worker} (events) and {@code warren tasks worker} (tasks) hand their work: a
 * command run with {@code /bin/sh -c} ({@link dev.warren.cli.targets.ExecTarget}) or an HTTP
 * endpoint POSTed to ({@link dev.warren.cli.targets.HttpTarget}). What goes in and what the answer
 * means (a reply event, a task result) is each worker's; running the command or the request, with
 * its timeout, cancellation and failure messages, is done here once.
 */
package dev.warren.cli.targets;
