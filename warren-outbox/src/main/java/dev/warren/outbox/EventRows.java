package dev.warren.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.Event;
import dev.warren.WarrenException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event as an outbox row and back, every CloudEvents attribute kept: id, type, source, subject,
 * time (to the nanosecond), data content type, data schema, the extensions with their types, and
 * the data bytes.
 */
final class EventRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> EXTENSIONS =
      new TypeReference<>() {};

  private EventRows() {}

  /**
   * Sets parameters 1 to 11 of {@link Tables#insert}.
   *
   * @param insert the statement
   * @param event the event
   * @throws SQLException from the driver
   */
  static void bind(PreparedStatement insert, Event event) throws SQLException {
    String key = event.partitionKey().orElse(null);
    insert.setInt(1, Tables.laneOf(key, event.id()));
    insert.setString(2, event.id());
    insert.setString(3, event.type());
    insert.setString(4, event.source());
    insert.setString(5, event.subject().orElse(null));
    insert.setString(6, key);
    insert.setString(7, event.time().toString());
    insert.setString(8, event.dataContentType());
    insert.setString(9, event.dataSchema().orElse(null));
    insert.setString(10, extensionsJson(event.extensions()));
    insert.setBytes(11, event.data());
  }

  private static String extensionsJson(Map<String, Object> extensions) {
    try {
      return JSON.writeValueAsString(extensions);
    } catch (JsonProcessingException e) {
      throw new WarrenException(
          "cannot write the event's extensions as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * @param row a row of {@link Tables#markLockAndRead}, positioned
   * @return the event it holds
   * @throws SQLException from the driver
   */
  static Event read(ResultSet row) throws SQLException {
    Event.Builder b =
        Event.builder(row.getString("type"))
            .id(row.getString("event_id"))
            .source(row.getString("source"))
            .subject(row.getString("subject"))
            .time(Instant.parse(row.getString("event_time")))
            .data(row.getBytes("data"), row.getString("data_content_type"))
            .dataSchema(row.getString("data_schema"));
    Map<String, Object> extensions;
    try {
      extensions = JSON.readValue(row.getString("extensions"), EXTENSIONS);
    } catch (JsonProcessingException e) {
      throw new WarrenException(
          "outbox row " + row.getLong("seq") + " has unreadable extensions: " + e.getMessage(), e);
    }
    for (Map.Entry<String, Object> e : extensions.entrySet()) {
      b.extension(e.getKey(), e.getValue());
    }
    return b.build();
  }
}
