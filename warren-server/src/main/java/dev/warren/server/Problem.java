package dev.warren.server;

import java.util.Map;

/**
 * An RFC 9457 problem the server answers with: thrown by a route, written as {@code
 * application/problem+json} by the server's exception mapper.
 */
final class Problem extends RuntimeException {
  private static final Map<Integer, String> TITLES =
      Map.ofEntries(
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(406, "Not Acceptable"),
          Map.entry(409, "Conflict"),
          Map.entry(413, "Content Too Large"),
          Map.entry(415, "Unsupported Media Type"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"));

  private final int status;
  private final long retryAfterSeconds;

  Problem(int status, String detail) {
    this(status, detail, 0);
  }

  private Problem(int status, String detail, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  int status() {
    return status;
  }

  /**
   * @return the {@code Retry-After} to send, in seconds, or 0 for none
   */
  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /**
   * A 503 with {@code Retry-After}: the broker (or a store) is down or blocks publishing, so the
   * request was not carried out; the same request later may succeed.
   */
  static Problem unavailable(String detail, long retryAfterSeconds) {
    return new Problem(503, detail, Math.max(1, retryAfterSeconds));
  }

  String title() {
    return TITLES.getOrDefault(status, "Error");
  }

  String detail() {
    return getMessage();
  }

  static Problem badRequest(String detail) {
    return new Problem(400, detail);
  }

  static Problem notFound(String detail) {
    return new Problem(404, detail);
  }

  /**
   * @return the problem as a JSON-ready map; {@code type} is {@code about:blank} since the status
   *     says it all (RFC 9457 section 4.2.1)
   */
  Map<String, Object> body(String instance) {
    return Map.of(
        "type",
        "about:blank",
        "title",
        title(),
        "status",
        status,
        "detail",
        detail(),
        "instance",
        instance);
  }
}
