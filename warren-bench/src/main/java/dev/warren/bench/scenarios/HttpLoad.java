package dev.warren.bench.scenarios;

import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.RoundResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP load of scenario 7 (and of scenario 4 without wrk): {@code POST} of one JSON body, from
 * the JDK's HTTP client (HTTP/1.1, so one connection per request in flight) on virtual threads.
 * Every answer must be {@code 202 Accepted}; anything else fails the round.
 */
final class HttpLoad implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final int connections;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;

  /**
   * @param connections requests in flight at most, each on its own connection
   */
  HttpLoad(int connections) {
    this.connections = connections;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(executor)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /**
   * @param uri where to post
   * @param json the body
   * @return a request to send any number of times
   */
  static HttpRequest post(URI uri, byte[] json) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .timeout(REQUEST_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(json))
        .build();
  }

  /**
   * @param size the body size in bytes, at least 16
   * @return a JSON object of exactly that many bytes, the kind of event data a service posts
   */
  static byte[] jsonBody(int size) {
    String head = "{\"order\":42,\"note\":\"";
    String tail = "\"}";
    StringBuilder b = new StringBuilder(head);
    for (int i = 0; b.length() < size - tail.length(); i++) {
      b.append((char) ('a' + i % 26));
    }
    return b.append(tail).toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sends as fast as the connections allow: each keeps one request in flight and sends no new one
   * once the round's time is up. Counts every request answered, over the time until the last one
   * was (a short round on a cold server still measures something).
   *
   * @param request the request
   * @param length how long to send
   * @return requests answered, and their latency (send to answer)
   * @throws Exception the first failed request
   */
  RoundResult saturate(HttpRequest request, Duration length) throws Exception {
    LatencyRecorder latency = new LatencyRecorder();
    AtomicLong answered = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    try (ExecutorService loops = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < connections; i++) {
        loops.execute(
            () -> {
              while (System.nanoTime() < end && failure.get() == null) {
                long sent = System.nanoTime();
                try {
                  send(request);
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                  return;
                }
                latency.recordSince(sent);
                answered.incrementAndGet();
              }
            });
      }
    }
    long elapsed = System.nanoTime() - start;
    throwIfFailed(failure);
    return new RoundResult(answered.get(), elapsed, latency.histogram());
  }

  /**
   * Sends one request and checks the answer.
   *
   * @param request the request
   * @throws IOException when it failed or was not answered {@code 202}
   * @throws InterruptedException when interrupted
   */
  void send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IOException(
          request.method()
              + " "
              + request.uri()
              + " answered "
              + r.statusCode()
              + ": "
              + r.body().substring(0, Math.min(300, r.body().length())));
    }
  }

  /**
   * @param uri a URI to get
   * @return its status code
   * @throws IOException when the request failed, for example nothing listens yet
   * @throws InterruptedException when interrupted
   */
  int get(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void throwIfFailed(AtomicReference<Exception> failure) throws Exception {
    Exception e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  @Override
  public void close() {
    // why: a failed round may leave requests behind; closing must not wait for their timeouts
    client.shutdownNow();
    executor.shutdownNow();
  }
}
