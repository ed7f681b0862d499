package dev.warren.internal.engine;

import dev.warren.Event;
import dev.warren.spi.DataCodec;
import dev.warren.transport.Message;
import dev.warren.transport.ReplyChannel;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenHeaders;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering side of request/reply ({@code Warren.respond}): sends a handler's return value, or
 * its failure, to the request's reply address, with the request's event id as correlation.
 *
 * <p>A reply is a plain message (no CloudEvent): the body is the value encoded with the instance's
 * codec, {@link WarrenHeaders#REPLY_STATUS} says whether it is an answer, no answer or a failure.
 * It is published to the default exchange with the reply address as routing key; the broker drops
 * it when the requester is gone, which is not an error.
 */
final class Responder {
  private static final Logger log = LoggerFactory.getLogger(Responder.class);
  private static final int MAX_ERROR_CHARS = 1000;
  private static final CompletableFuture<Void> NOTHING_TO_SEND =
      CompletableFuture.completedFuture(null);

  private final Transport transport;
  private final DataCodec codec;
  private final String source;

  Responder(Transport transport, DataCodec codec, String source) {
    this.transport = transport;
    this.codec = codec;
    this.source = source;
  }

  /**
   * @param request the request as delivered
   * @param requestId the request's event id, the reply's correlation
   * @param result what the handler returned
   * @return completes when the broker took the reply; at once when the request has no reply address
   *     (an event published without {@code request}), and the result is discarded
   * @throws dev.warren.InvalidInputException when the result cannot be encoded
   */
  CompletableFuture<Void> reply(Message request, String requestId, Object result) {
    String to = request.replyTo();
    if (!ReplyChannel.isReplyAddress(to)) {
      return NOTHING_TO_SEND;
    }
    Message reply =
        result == null
            ? message(requestId, Map.of(WarrenHeaders.REPLY_STATUS, WarrenHeaders.REPLY_NONE), null)
            : message(
                requestId,
                Map.of(WarrenHeaders.REPLY_STATUS, WarrenHeaders.REPLY_OK),
                codec.encode(result));
    return transport.publish("", to, reply);
  }

  /**
   * Tells the requester that its request failed for good: the handler threw something not
   * retryable, or its retries are spent. Sent without waiting: the request is dead-lettered
   * whatever becomes of this reply.
   *
   * @param request the request as delivered
   * @param requestId the request's event id, the reply's correlation
   * @param error the last failure
   */
  void fail(Message request, String requestId, Throwable error) {
    String to = request.replyTo();
    if (!ReplyChannel.isReplyAddress(to)) {
      return;
    }
    String text = String.valueOf(error.getMessage());
    Message reply =
        message(
            requestId,
            Map.of(
                WarrenHeaders.REPLY_STATUS,
                WarrenHeaders.REPLY_ERROR,
                WarrenHeaders.ERROR_TYPE,
                error.getClass().getName(),
                WarrenHeaders.ERROR_MESSAGE,
                text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "…"),
            null);
    transport
        .publish("", to, reply)
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.warn(
                    "could not tell the requester of {} that it failed: {}",
                    requestId,
                    e.toString());
              }
            });
  }

  private Message message(String requestId, Map<String, Object> headers, byte[] body) {
    return new Message(
        Event.newId(),
        null,
        body == null ? null : codec.contentType(),
        requestId,
        source,
        Instant.now(),
        null,
        false,
        headers,
        body);
  }
}
