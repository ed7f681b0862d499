package dev.warren.cli.worker;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * POSTs each event to a URL in CloudEvents HTTP binary mode: the attributes as {@code ce-*}
 * headers, {@code Content-Type} from {@code datacontenttype}, the data as the body. A 2xx answer is
 * success; anything else, or no answer within the timeout, is a failure.
 *
 * <p>A 2xx answer that is itself a CloudEvent, in binary mode ({@code ce-specversion} and {@code
 * ce-type} headers) or structured mode ({@code Content-Type: application/cloudevents+json}), is a
 * reply. Batches ({@code application/cloudevents-batch+json}) are not read.
 */
final class HttpTarget implements Target {
  /** How much of a failed answer's body goes into the error message. */
  static final int BODY_EXCERPT = 200;

  private static final String PREFIX = "ce-";
  private static final String STRUCTURED = "application/cloudevents+json";
  private static final Set<String> ATTRIBUTES =
      Set.of("id", "source", "type", "specversion", "time", "subject", "dataschema");

  private final URI url;
  private final Duration timeout;
  private final HttpClient client;
  private final Replies replies;

  HttpTarget(URI url, Duration timeout, Replies replies) {
    this.url = url;
    this.timeout = timeout;
    this.replies = replies;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            // why: plain-HTTP endpoints (the usual local webhook) are spoken to without an h2c
            // upgrade attempt, which some servers answer badly when the request has a body
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String describe() {
    return "POST " + url;
  }

  @Override
  public List<Event> send(Event event) throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .POST(
                event.data().length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(event.data()));
    headers(event).forEach(request::header);
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new TargetFailedException(
          describe() + " timed out after " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new TargetFailedException(describe() + " failed: " + e, e);
    }
    byte[] body = response.body() == null ? new byte[0] : response.body();
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new TargetFailedException(describe() + " answered " + status + excerpt(body));
    }
    return reply(response.headers(), body).map(List::of).orElse(List.of());
  }

  private static String excerpt(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return ": " + (text.length() > BODY_EXCERPT ? text.substring(0, BODY_EXCERPT) + "…" : text);
  }

  /**
   * @param event an event
   * @return its binary-mode headers, in a stable order
   */
  static Map<String, String> headers(Event event) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("ce-specversion", Event.SPEC_VERSION);
    h.put("ce-id", encode(event.id()));
    if (event.source() != null) {
      h.put("ce-source", encode(event.source()));
    }
    h.put("ce-type", encode(event.type()));
    h.put("ce-time", event.time().toString());
    event.subject().ifPresent(s -> h.put("ce-subject", encode(s)));
    event.extensions().forEach((name, value) -> h.put(PREFIX + name, encode(value)));
    h.put("Content-Type", event.dataContentType());
    return h;
  }

  private Optional<Event> reply(HttpHeaders headers, byte[] body) {
    String contentType = headers.firstValue("content-type").orElse(null);
    if (contentType != null
        && contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals(STRUCTURED)) {
      return Optional.of(replies.fromStructured(new String(body, StandardCharsets.UTF_8)));
    }
    if (headers.firstValue("ce-specversion").isEmpty() || headers.firstValue("ce-type").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(binaryReply(headers, contentType, body));
  }

  private static Event binaryReply(HttpHeaders headers, String contentType, byte[] body) {
    String specVersion = decode(headers.firstValue("ce-specversion").orElseThrow());
    if (!Event.SPEC_VERSION.equals(specVersion)) {
      throw new NonRetryableException(
          "the reply's ce-specversion '" + specVersion + "' is not 1.0");
    }
    Event.Builder b = Event.builder(decode(headers.firstValue("ce-type").orElseThrow()));
    b.id(headers.firstValue("ce-id").map(HttpTarget::decode).orElse(null));
    // why: no ce-source leaves it to the worker's own source, filled in on publish
    b.source(headers.firstValue("ce-source").map(HttpTarget::decode).orElse(null));
    b.subject(headers.firstValue("ce-subject").map(HttpTarget::decode).orElse(null));
    Optional<String> time = headers.firstValue("ce-time").map(HttpTarget::decode);
    if (time.isPresent()) {
      b.time(parseTime(time.get()));
    }
    for (Map.Entry<String, List<String>> h : headers.map().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(PREFIX) && !h.getValue().isEmpty()) {
        String attribute = name.substring(PREFIX.length());
        if (!ATTRIBUTES.contains(attribute)) {
          b.extension(attribute, decode(h.getValue().get(0)));
        }
      }
    }
    b.data(body, contentType == null ? Event.JSON : contentType);
    try {
      return b.build();
    } catch (InvalidInputException e) {
      throw new NonRetryableException("invalid reply: " + e.getMessage(), e);
    }
  }

  private static Instant parseTime(String time) {
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw new NonRetryableException(
          "the reply's ce-time '" + time + "' is not an RFC 3339 timestamp", e);
    }
  }

  /**
   * Percent-encodes a header value as the CloudEvents HTTP binding requires: space, double quote,
   * percent and everything outside printable ASCII, as UTF-8 bytes.
   */
  static String encode(String value) {
    StringBuilder out = null;
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean plain = c > 0x20 && c < 0x7f && c != '"' && c != '%';
      if (plain && out == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(bytes.length + 16);
        out.append(new String(bytes, 0, i, StandardCharsets.US_ASCII));
      }
      if (plain) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out == null ? value : out.toString();
  }

  /** Reverses {@link #encode(String)}; a malformed escape is kept as it is. */
  static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    int i = 0;
    while (i < value.length()) {
      int next = value.indexOf('%', i);
      if (next != i) {
        int end = next < 0 ? value.length() : next;
        bytes.writeBytes(value.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
        continue;
      }
      int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
      int lo = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
      if (hi >= 0 && lo >= 0) {
        bytes.write((hi << 4) | lo);
        i += 3;
      } else {
        bytes.write('%');
        i++;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
