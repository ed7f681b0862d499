/**
 * The operator surface of a {@link dev.warren.Warren} instance, {@link dev.warren.Warren#admin()}:
 * queues, subscriptions, dead letters and tasks, as Warren's server, CLI and console see them.
 *
 * <pre>{@code
 * WarrenAdmin admin = warren.admin();
 * for (SubscriptionInfo s : admin.subscriptions()) {
 *   System.out.println(s.name() + " " + s.ready() + " ready, " + s.deadLetters() + " dead");
 * }
 * admin.deadLetters("billing").replay();
 * }</pre>
 */
package dev.warren.admin;
