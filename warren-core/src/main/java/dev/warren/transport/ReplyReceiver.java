package dev.warren.transport;

/** Receives the replies that come back to a {@link ReplyChannel}, on a transport thread. */
@FunctionalInterface
public interface ReplyReceiver {
  /**
   * @param reply the reply, its {@link Message#correlationId()} naming the request it answers; it
   *     needs no acknowledgement. Do not block.
   */
  void onReply(Message reply);
}
