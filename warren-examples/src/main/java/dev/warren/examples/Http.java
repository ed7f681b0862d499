package dev.warren.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/** A few lines of JSON over {@link HttpClient}, against the Warren server the example started. */
public final class Http implements AutoCloseable {
  /** The mapper for request and reply bodies. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI base;

  /**
   * An answer: its status and its JSON body ({@code null} when it has none).
   *
   * @param status the HTTP status
   * @param body the parsed body
   */
  public record Reply(int status, JsonNode body) {}

  /**
   * @param base the server, for example {@code http://127.0.0.1:8080}
   */
  public Http(URI base) {
    this.base = base;
  }

  /**
   * @return the server's address
   */
  public URI base() {
    return base;
  }

  /**
   * Sends a request and checks its status.
   *
   * @param method GET, POST, PUT or DELETE
   * @param path the path and query
   * @param contentType the body's media type, or {@code null} without a body
   * @param body the body, or {@code null}
   * @param expected the statuses that count as success
   * @return the answer
   * @throws ExampleFailedException when the status is not one of {@code expected}
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  public Reply send(String method, String path, String contentType, String body, int... expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (Arrays.stream(expected).noneMatch(s -> s == response.statusCode())) {
      throw new ExampleFailedException(
          method
              + " "
              + path
              + " answered "
              + response.statusCode()
              + " (expected "
              + Arrays.toString(expected)
              + "): "
              + response.body());
    }
    String text = response.body();
    return new Reply(response.statusCode(), text.isBlank() ? null : JSON.readTree(text));
  }

  @Override
  public void close() {
    client.close();
  }
}
