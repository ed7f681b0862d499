package dev.warren.internal.engine;

import dev.warren.Event;
import dev.warren.spi.DataCodec;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reads event data and replies as the type a handler or a requester asked for. */
final class Decoding {
  private Decoding() {}

  /**
   * @param event an event, carrying the instance's codec
   * @param type the type asked for
   * @param <T> the type
   * @return the data; for {@code String}, data that is not JSON (plain text) as it is
   * @throws dev.warren.InvalidInputException when the data cannot be read as that type
   */
  static <T> T data(Event event, Class<T> type) {
    if (type == String.class && !isJson(event.dataContentType())) {
      return type.cast(event.dataAsString());
    }
    return event.data(type);
  }

  /**
   * @param body a reply's body
   * @param contentType its content type, or {@code null}
   * @param type the type asked for
   * @param codec the instance's codec
   * @param <T> the type
   * @return the reply
   * @throws dev.warren.InvalidInputException when the body cannot be read as that type
   */
  static <T> T reply(byte[] body, String contentType, Class<T> type, DataCodec codec) {
    if (type == String.class && !isJson(contentType)) {
      return type.cast(new String(body, StandardCharsets.UTF_8));
    }
    return codec.decode(body, type);
  }

  private static boolean isJson(String contentType) {
    return contentType == null || contentType.toLowerCase(Locale.ROOT).contains("json");
  }
}
