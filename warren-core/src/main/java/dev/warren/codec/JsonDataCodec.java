package dev.warren.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.spi.DataCodec;
import java.io.IOException;

/**
 * Event data as JSON, with Jackson. Records, java.time values and plain maps work out of the box.
 * Warren uses {@link #defaults()} unless the options name another codec; an application that has
 * its own {@link ObjectMapper} (modules, naming strategy) hands it over:
 *
 * <pre>{@code
 * Warren warren = Warren.create(WarrenOptions.builder().codec(JsonDataCodec.of(mapper)).build());
 * }</pre>
 */
public final class JsonDataCodec implements DataCodec {
  /** The mapper Warren uses for event data and its own JSON. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final JsonDataCodec DEFAULTS = new JsonDataCodec(MAPPER);

  private final ObjectMapper mapper;

  /**
   * The codec with Warren's mapper, for {@link java.util.ServiceLoader}; prefer {@link
   * #defaults()}.
   */
  public JsonDataCodec() {
    this(MAPPER);
  }

  private JsonDataCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * @return the codec with Warren's mapper: java.time as ISO-8601 text, unknown properties ignored
   */
  public static JsonDataCodec defaults() {
    return DEFAULTS;
  }

  /**
   * @param mapper the application's mapper, used as it is (Warren neither copies nor changes it)
   * @return a codec that reads and writes event data, task arguments and results with it
   */
  public static JsonDataCodec of(ObjectMapper mapper) {
    return new JsonDataCodec(java.util.Objects.requireNonNull(mapper, "mapper"));
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
    } catch (JsonProcessingException e) {
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
    } catch (IOException e) {
      String reason =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new InvalidInputException(
          "cannot read the event data as " + type.getSimpleName() + ": " + reason, e);
    }
  }
}
