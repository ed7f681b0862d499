package dev.warren.transport;

/**
 * Warren's own message headers, beside the CloudEvents ones ({@code cloudEvents_*}): what a failed,
 * retried, dead-lettered or replayed event and a reply carry on the wire. Tools that read messages
 * off the broker (the contract suite, a raw consumer of a dead-letter queue) use these names.
 */
public final class WarrenHeaders {
  /** How many times the event was handled and failed in this subscription. */
  public static final String ATTEMPTS = "warren-attempts";

  /** How many delayed retries (through a wait queue) it has had. */
  public static final String RETRIES = "warren-retries";

  /**
   * When a delayed retry is due, ISO-8601: a delivery that comes back from a wait queue earlier is
   * parked again for the rest.
   */
  public static final String RETRY_DUE = "warren-retry-due";

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

  /**
   * What an ordered subscription's partition exchange hashes: the partition key, or the event id
   * without one.
   */
  public static final String PARTITION = "warren-partition";

  /**
   * On a reply: {@value #REPLY_OK} (the body is the reply), {@value #REPLY_NONE} (the responder
   * returned nothing) or {@value #REPLY_ERROR} (the responder failed; {@link #ERROR_TYPE} and
   * {@link #ERROR_MESSAGE} say how). The reply's {@code correlation_id} is the request's event id.
   */
  public static final String REPLY_STATUS = "warren-reply-status";

  /** {@link #REPLY_STATUS} of a reply that carries the responder's answer. */
  public static final String REPLY_OK = "ok";

  /** {@link #REPLY_STATUS} of a reply to a responder that returned {@code null}. */
  public static final String REPLY_NONE = "none";

  /** {@link #REPLY_STATUS} of a reply saying the responder failed. */
  public static final String REPLY_ERROR = "error";

  private WarrenHeaders() {}
}
