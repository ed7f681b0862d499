package dev.warren.internal.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.warren.Event;
import dev.warren.InvalidEventException;
import dev.warren.spi.DataCodec;
import java.io.IOException;

/**
 * Event data as JSON, with Jackson. Records, java.time values and plain maps work out of the box.
 */
public final class JsonDataCodec implements DataCodec {
  /** The mapper Warren uses for event data and its own JSON. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          "cannot encode " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    if (type == byte[].class) {
      return type.cast(data.clone());
    }
    try {
      return MAPPER.readValue(data, type);
    } catch (IOException e) {
      String reason =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new InvalidEventException(
          "cannot read the event data as " + type.getSimpleName() + ": " + reason, e);
    }
  }
}
