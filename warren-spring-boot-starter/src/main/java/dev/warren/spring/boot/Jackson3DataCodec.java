package dev.warren.spring.boot;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.spi.DataCodec;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Event data, task arguments, results and replies as JSON with the application's Jackson 3 mapper
 * (Spring Boot 4's {@code JsonMapper} bean), so Warren reads and writes data as the rest of the
 * application does: its modules, naming strategy and date format.
 *
 * <pre>{@code
 * WarrenOptions.builder().codec(new Jackson3DataCodec(jsonMapper)).build();
 * }</pre>
 *
 * <p>Like Warren's own codec, {@code byte[]} is passed through as it is.
 */
public final class Jackson3DataCodec implements DataCodec {
  private final ObjectMapper mapper;

  /**
   * @param mapper the application's mapper, used as it is (neither copied nor changed)
   */
  public Jackson3DataCodec(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * @return the mapper this codec uses
   */
  public ObjectMapper mapper() {
    return mapper;
  }

  @Override
  public String contentType() {
    return Event.JSON;
  }

  @Override
  public byte[] encode(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes.clone();
    }
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new InvalidInputException(
          "cannot encode " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    if (type == byte[].class) {
      return type.cast(data.clone());
    }
    try {
      return mapper.readValue(data, type);
    } catch (JacksonException e) {
      throw new InvalidInputException(
          "cannot read the event data as " + type.getSimpleName() + ": " + e.getOriginalMessage(),
          e);
    }
  }
}
