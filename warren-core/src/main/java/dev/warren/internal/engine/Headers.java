package dev.warren.internal.engine;

/** Warren's own message headers, beside the CloudEvents ones. */
public final class Headers {
  /** How many times the event was handled and failed in this subscription. */
  public static final String ATTEMPTS = "warren-attempts";

  /** How many delayed retries (through a wait queue) it has had. */
  public static final String RETRIES = "warren-retries";

  /** The subscription a dead letter failed in. */
  public static final String SUBSCRIPTION = "warren-subscription";

  /** The queue a dead letter came from, where a replay sends it back. */
  public static final String QUEUE = "warren-queue";

  /** The routing key the event was first published with. */
  public static final String ROUTING_KEY = "warren-routing-key";

  /** Class name of the last failure. */
  public static final String ERROR_TYPE = "warren-error-type";

  /** Message of the last failure. */
  public static final String ERROR_MESSAGE = "warren-error-message";

  /** Trimmed stack trace of the last failure. */
  public static final String ERROR_STACK = "warren-error-stack";

  /** When it first failed, ISO-8601. */
  public static final String FIRST_FAILURE = "warren-first-failure";

  /** When it last failed, ISO-8601. */
  public static final String LAST_FAILURE = "warren-last-failure";

  /** How many times it was replayed from the dead-letter queue. */
  public static final String REPLAYS = "warren-replays";

  private Headers() {}
}
