package dev.warren.bench.clients;

/**
 * One library, as a scenario drives it: asynchronous publishing with a confirm callback, and one
 * consumer with manual acknowledgements. Every implementation publishes persistent messages to a
 * durable topic exchange and acknowledges each delivery after the handler returned.
 */
public interface MessagingClient {
  /** Called when the broker confirmed or refused a publish. */
  interface Confirmation {
    /** The broker confirmed the message. */
    void confirmed();

    /**
     * The publish failed or the broker refused it.
     *
     * @param error why
     */
    void failed(Throwable error);
  }

  /** Receives a delivered body; the delivery is acknowledged when it returns. */
  @FunctionalInterface
  interface BodyHandler {
    /**
     * @param body the message body
     */
    void handle(byte[] body);
  }

  /** A round's publishing loop. */
  @FunctionalInterface
  interface Loop {
    /**
     * @throws Exception when a publish failed
     */
    void run() throws Exception;
  }

  /**
   * Runs a round's publishing loop on the calling thread. A library may bind a resource to the
   * thread for the loop's duration, as Spring's scoped operations bind a channel; by default it
   * just runs the loop.
   *
   * @param loop calls {@link #publish} repeatedly
   * @throws Exception what the loop threw
   */
  default void publishing(Loop loop) throws Exception {
    loop.run();
  }

  /**
   * @return the contender name in the report
   */
  String name();

  /**
   * @return a short id for queue names: {@code warren}, {@code raw}, {@code spring}
   */
  String id();

  /**
   * Connects.
   *
   * @throws Exception when it cannot
   */
  void open() throws Exception;

  /**
   * Declares the queue and binds it to this client's exchange, the way the library does.
   *
   * @param queue the queue
   * @throws Exception when it cannot
   */
  void declare(BenchQueue queue) throws Exception;

  /**
   * Publishes without waiting for the confirm. Called from one thread at a time.
   *
   * @param queue the queue whose routing key to use
   * @param body the body
   * @param confirmation told of the confirm, on any thread
   * @throws Exception when the publish could not even be sent
   */
  void publish(BenchQueue queue, byte[] body, Confirmation confirmation) throws Exception;

  /**
   * Starts the one consumer of this client.
   *
   * @param queue the queue
   * @param prefetch its prefetch
   * @param handler called for each delivery, then the delivery is acknowledged
   * @throws Exception when it cannot
   */
  void startConsumer(BenchQueue queue, int prefetch, BodyHandler handler) throws Exception;

  /**
   * Stops the consumer; unacknowledged deliveries go back to the queue.
   *
   * @throws Exception when it cannot
   */
  void stopConsumer() throws Exception;

  /** Disconnects; never throws. */
  void close();
}
