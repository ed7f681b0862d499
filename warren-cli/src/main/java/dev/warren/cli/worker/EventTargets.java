package dev.warren.cli.worker;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.cli.targets.ExecTarget;
import dev.warren.cli.targets.HttpTarget;
import dev.warren.codec.CloudEventsJson;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The two ways {@code warren worker} hands an event over, on the shared {@link ExecTarget} and
 * {@link HttpTarget}.
 *
 * <ul>
 *   <li>A command gets the event as one line of structured CloudEvents JSON on its standard input.
 *       Exit code 0 is success; lines of its standard output that are structured CloudEvents are
 *       replies, other lines are ignored.
 *   <li>An endpoint gets the event in CloudEvents HTTP binary mode: the attributes as {@code ce-*}
 *       headers, {@code Content-Type} from {@code datacontenttype}, the data as the body. A 2xx
 *       answer is success; one that is itself a CloudEvent, in binary mode ({@code ce-specversion}
 *       and {@code ce-type} headers) or structured mode ({@code Content-Type:
 *       application/cloudevents+json}), is a reply. Batches are not read.
 * </ul>
 */
final class EventTargets {
  private static final String PREFIX = "ce-";
  private static final Set<String> ATTRIBUTES =
      Set.of("id", "source", "type", "specversion", "time", "subject", "dataschema");

  private EventTargets() {}

  /**
   * @param command runs the command
   * @param timeout how long one event may take
   * @param replies reads the replies it prints
   * @return the target
   */
  static Target exec(ExecTarget command, Duration timeout, Replies replies) {
    return new Target() {
      @Override
      public List<Event> send(Event event) throws InterruptedException {
        byte[] input = (CloudEventsJson.write(event) + "\n").getBytes(StandardCharsets.UTF_8);
        ExecTarget.Result r = command.run(input, timeout, () -> false, line -> false);
        r.requireSuccess();
        List<Event> found = new ArrayList<>();
        for (String line : r.output().split("\n")) {
          replies.fromLine(line).ifPresent(found::add);
        }
        return found;
      }

      @Override
      public String describe() {
        return command.describe();
      }
    };
  }

  /**
   * @param endpoint POSTs to the endpoint
   * @param timeout how long one event may take
   * @param replies reads a structured reply
   * @return the target
   */
  static Target forward(HttpTarget endpoint, Duration timeout, Replies replies) {
    return new Target() {
      @Override
      public List<Event> send(Event event) throws InterruptedException {
        HttpResponse<byte[]> response =
            endpoint.post(headers(event), event.data(), timeout, () -> false);
        byte[] body = response.body() == null ? new byte[0] : response.body();
        int status = response.statusCode();
        if (status < 200 || status > 299) {
          throw endpoint.answered(status, body);
        }
        return reply(response.headers(), body, replies).map(List::of).orElse(List.of());
      }

      @Override
      public String describe() {
        return endpoint.describe();
      }
    };
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
    event.dataSchema().ifPresent(d -> h.put("ce-dataschema", encode(d)));
    event.extensions().forEach((name, value) -> h.put(PREFIX + name, encode(value.toString())));
    h.put("Content-Type", event.dataContentType());
    return h;
  }

  private static Optional<Event> reply(HttpHeaders headers, byte[] body, Replies replies) {
    String contentType = headers.firstValue("content-type").orElse(null);
    if (contentType != null
        && contentType
            .split(";", 2)[0]
            .strip()
            .toLowerCase(Locale.ROOT)
            .equals(CloudEventsJson.MEDIA_TYPE)) {
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
    b.id(headers.firstValue("ce-id").map(EventTargets::decode).orElse(null));
    // why: no ce-source leaves it to the worker's own source, filled in on publish
    b.source(headers.firstValue("ce-source").map(EventTargets::decode).orElse(null));
    b.subject(headers.firstValue("ce-subject").map(EventTargets::decode).orElse(null));
    b.dataSchema(headers.firstValue("ce-dataschema").map(EventTargets::decode).orElse(null));
    Optional<String> time = headers.firstValue("ce-time").map(EventTargets::decode);
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
