package dev.warren.cli.targets;

import dev.warren.cli.UsageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * POSTs to one URL once per call, over HTTP/1.1 without following redirects, and hands back the
 * answer whatever its status; what a status means is the caller's. A request that gets no answer
 * within its timeout, or whose work is cancelled, is abandoned.
 *
 * <pre>{@code
 * HttpTarget target = new HttpTarget(HttpTarget.url("--forward", "http://localhost:8080/hook"),
 *     Duration.ofSeconds(10));
 * HttpResponse<byte[]> r = target.post(Map.of("Content-Type", "application/json"), body,
 *     Duration.ofSeconds(30), () -> false);
 * }</pre>
 */
public final class HttpTarget {
  /** How much of a failed answer's body a failure message keeps, in characters. */
  public static final int BODY_EXCERPT = 200;

  /** How often a request in flight checks whether its work was cancelled. */
  private static final long POLL_MS = 50;

  private final URI url;
  private final HttpClient client;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * @param url where to POST, from {@link #url(String, String)}
   * @param connectTimeout how long connecting may take
   */
  public HttpTarget(URI url, Duration connectTimeout) {
    this.url = url;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            // why: plain-HTTP endpoints (the usual local webhook) are spoken to without an h2c
            // upgrade attempt, which some servers answer badly when the request has a body
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Checks a URL given on the command line.
   *
   * @param option the option, for the message, for example {@code --forward}
   * @param text the URL
   * @return the URL
   * @throws UsageException when it is not an {@code http://} or {@code https://} URL with a host
   */
  public static URI url(String option, String text) {
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw new UsageException(option + " '" + text + "' is not a URL: " + e.getMessage(), e);
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new UsageException(option + " '" + text + "' is not an http:// or https:// URL");
    }
    return url;
  }

  /**
   * @return what the target is, for messages: {@code POST <url>}
   */
  public String describe() {
    return "POST " + url;
  }

  /**
   * POSTs once and waits for the answer.
   *
   * @param headers the request's headers, in order
   * @param body the request's body; empty for none
   * @param timeout how long to wait for the answer, or {@code null} for as long as it takes
   * @param cancelled asked every 50 ms; when it answers true the request is abandoned
   * @return the answer, any status; {@code null} when the request was cancelled
   * @throws TargetFailedException when no answer came in time or the request failed
   * @throws InterruptedException when the calling thread is interrupted; the request is abandoned
   */
  public HttpResponse<byte[]> post(
      Map<String, String> headers, byte[] body, Duration timeout, BooleanSupplier cancelled)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .POST(
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (timeout != null) {
      request.timeout(timeout);
    }
    headers.forEach(request::header);
    HttpRequest built = request.build();
    // why: the blocking send on a thread of its own, not sendAsync: sendAsync completes its future
    // through the common pool, which a busy process (or a two-core machine, where it has one
    // thread) may never free; cancelling the future interrupts the call
    Future<HttpResponse<byte[]>> sent =
        calls.submit(() -> client.send(built, HttpResponse.BodyHandlers.ofByteArray()));
    try {
      while (true) {
        try {
          return sent.get(POLL_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (cancelled.getAsBoolean()) {
            sent.cancel(true);
            return null;
          }
        }
      }
    } catch (InterruptedException e) {
      sent.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw new TargetFailedException(
            describe() + " timed out after " + timeout.toMillis() + " ms", cause);
      }
      throw new TargetFailedException(describe() + " failed: " + cause, cause);
    }
  }

  /**
   * @param status the answer's status
   * @param body the answer's body
   * @return a failure naming the status and the start of the body, for example {@code POST
   *     http://localhost:8080/hook answered 500: disk full}
   */
  public TargetFailedException answered(int status, byte[] body) {
    return new TargetFailedException(describe() + " answered " + status + excerpt(body));
  }

  private static String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return "";
    }
    return ": " + (text.length() > BODY_EXCERPT ? text.substring(0, BODY_EXCERPT) + "…" : text);
  }
}
