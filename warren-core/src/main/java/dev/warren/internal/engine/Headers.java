package dev.warren.internal.engine;

import dev.warren.transport.WarrenHeaders;

/**
 * Warren's own message headers, as {@link WarrenHeaders} names them: kept only until the contract
 * suite reads them from there. Nothing in the engine uses this class.
 */
public final class Headers {
  /** {@link WarrenHeaders#ATTEMPTS}. */
  public static final String ATTEMPTS = WarrenHeaders.ATTEMPTS;

  /** {@link WarrenHeaders#RETRIES}. */
  public static final String RETRIES = WarrenHeaders.RETRIES;

  /** {@link WarrenHeaders#SUBSCRIPTION}. */
  public static final String SUBSCRIPTION = WarrenHeaders.SUBSCRIPTION;

  /** {@link WarrenHeaders#QUEUE}. */
  public static final String QUEUE = WarrenHeaders.QUEUE;

  /** {@link WarrenHeaders#ROUTING_KEY}. */
  public static final String ROUTING_KEY = WarrenHeaders.ROUTING_KEY;

  /** {@link WarrenHeaders#ERROR_TYPE}. */
  public static final String ERROR_TYPE = WarrenHeaders.ERROR_TYPE;

  /** {@link WarrenHeaders#ERROR_MESSAGE}. */
  public static final String ERROR_MESSAGE = WarrenHeaders.ERROR_MESSAGE;

  /** {@link WarrenHeaders#ERROR_STACK}. */
  public static final String ERROR_STACK = WarrenHeaders.ERROR_STACK;

  /** {@link WarrenHeaders#FIRST_FAILURE}. */
  public static final String FIRST_FAILURE = WarrenHeaders.FIRST_FAILURE;

  /** {@link WarrenHeaders#LAST_FAILURE}. */
  public static final String LAST_FAILURE = WarrenHeaders.LAST_FAILURE;

  /** {@link WarrenHeaders#REPLAYS}. */
  public static final String REPLAYS = WarrenHeaders.REPLAYS;

  private Headers() {}
}
