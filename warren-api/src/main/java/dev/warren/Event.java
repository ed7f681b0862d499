package dev.warren;

import dev.warren.spi.DataCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * An event: a CloudEvents 1.0 envelope around encoded data. Immutable.
 *
 * <p>Every event has an {@code id} (time-ordered, unique), a {@code source}, a {@code type} (which
 * is also the routing key), a {@code time}, a {@code datacontenttype} and data, optionally a {@code
 * subject} and a {@code dataschema}, and extension attributes. Extension values keep their
 * CloudEvents type: {@link String}, {@link Integer} or {@link Boolean} (URI and timestamp values
 * are carried in their string form). Warren's own extensions are {@code correlationid}, {@code
 * causationid} and {@code partitionkey}.
 *
 * <pre>{@code
 * Event event = Event.builder("virtual-key.updated")
 *     .data(new KeyChanged(42))
 *     .subject("42")
 *     .partitionKey("42")
 *     .build();
 * warren.publish(event).join();
 * }</pre>
 */
public final class Event {
  /** CloudEvents spec version Warren reads and writes. */
  public static final String SPEC_VERSION = "1.0";

  /** Extension naming the conversation an event belongs to. */
  public static final String CORRELATION_ID = "correlationid";

  /** Extension naming the event(s) that caused this one, comma-separated. */
  public static final String CAUSATION_ID = "causationid";

  /** Extension naming the key whose events are handled in order. */
  public static final String PARTITION_KEY = "partitionkey";

  /** Content type of JSON data, the default. */
  public static final String JSON = "application/json";

  private static final Set<String> RESERVED =
      Set.of(
          "id",
          "source",
          "specversion",
          "type",
          "datacontenttype",
          "dataschema",
          "subject",
          "time",
          "data",
          "data_base64");
  private static final byte[] NO_DATA = new byte[0];

  private final String id;
  private final String source;
  private final String type;
  private final Instant time;
  private final String subject;
  private final String dataContentType;
  private final String dataSchema;
  private final Map<String, Object> extensions;
  private final byte[] data;
  private final Object value;
  private final DataCodec codec;

  private Event(Builder b) {
    this.id = b.id == null ? Ids.next() : b.id;
    this.source = b.source;
    this.type = b.type;
    this.time = b.time == null ? Instant.now() : b.time;
    this.subject = b.subject;
    this.dataSchema = b.dataSchema;
    this.extensions =
        b.extensions.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.extensions));
    this.codec = b.codec;
    if (b.hasValue) {
      DataCodec c = b.codec == null ? Codecs.defaultCodec() : b.codec;
      this.value = b.value;
      this.data = b.value == null ? NO_DATA : c.encode(b.value);
      this.dataContentType = b.dataContentType == null ? c.contentType() : b.dataContentType;
    } else {
      this.value = null;
      this.data = b.data == null ? NO_DATA : b.data;
      this.dataContentType = b.dataContentType == null ? JSON : b.dataContentType;
    }
  }

  /**
   * Starts an event of the given type.
   *
   * @param type the event type, for example {@code virtual-key.updated}
   * @return a builder
   */
  public static Builder builder(String type) {
    return new Builder().type(type);
  }

  /**
   * @return a builder holding this event's attributes and data, to derive a changed copy
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.source = source;
    b.type = type;
    b.time = time;
    b.subject = subject;
    b.dataSchema = dataSchema;
    b.dataContentType = dataContentType;
    b.extensions.putAll(extensions);
    b.data = data;
    b.codec = codec;
    return b;
  }

  /**
   * @return a new unique, time-ordered event id (a version 7 UUID)
   */
  public static String newId() {
    return Ids.next();
  }

  /**
   * @return the event id
   */
  public String id() {
    return id;
  }

  /**
   * @return the source; {@code null} only on an event built without one and not yet published
   *     (publishing fills in the instance's source)
   */
  public String source() {
    return source;
  }

  /**
   * @return the event type, which is also its routing key
   */
  public String type() {
    return type;
  }

  /**
   * @return when the event happened
   */
  public Instant time() {
    return time;
  }

  /**
   * @return the subject, if any
   */
  public Optional<String> subject() {
    return Optional.ofNullable(subject);
  }

  /**
   * @return the media type of {@link #data()}
   */
  public String dataContentType() {
    return dataContentType;
  }

  /**
   * @return the URI of the schema the data adheres to, if any (the CloudEvents {@code dataschema})
   */
  public Optional<String> dataSchema() {
    return Optional.ofNullable(dataSchema);
  }

  /**
   * @return the extension attributes in insertion order, each a {@link String}, {@link Integer} or
   *     {@link Boolean}
   */
  public Map<String, Object> extensions() {
    return extensions;
  }

  /**
   * @param name an extension attribute name
   * @return its value in the CloudEvents canonical string form ({@code 42}, {@code true}), if
   *     present; {@code extensions().get(name)} gives the typed value
   */
  public Optional<String> extension(String name) {
    Object value = extensions.get(name);
    return value == null ? Optional.empty() : Optional.of(value.toString());
  }

  /**
   * @return the correlation id that ties a chain of events together, if any
   */
  public Optional<String> correlationId() {
    return extension(CORRELATION_ID);
  }

  /**
   * @return the ids of the events that caused this one; empty when none is known
   */
  public List<String> causationIds() {
    String value = extension(CAUSATION_ID).orElse(null);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * @return the partition key that orders this event with others of the same key, if any
   */
  public Optional<String> partitionKey() {
    return extension(PARTITION_KEY);
  }

  /**
   * The encoded data. The array is shared, not copied: do not modify it.
   *
   * @return the data bytes; empty when the event carries no data
   */
  public byte[] data() {
    return data;
  }

  /**
   * @return the data decoded as UTF-8 text
   */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /**
   * Reads the data as the given type, with the JSON codec unless another was configured.
   *
   * @param type the type to read the data as, usually a record
   * @param <T> the type
   * @return the decoded data
   * @throws InvalidInputException when the data cannot be read as that type
   */
  public <T> T data(Class<T> type) {
    if (value != null && type.isInstance(value)) {
      return type.cast(value);
    }
    DataCodec c = codec == null ? Codecs.defaultCodec() : codec;
    return c.decode(data, type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e
        && id.equals(e.id)
        && type.equals(e.type)
        && Objects.equals(source, e.source)
        && time.equals(e.time)
        && Objects.equals(subject, e.subject)
        && Objects.equals(dataSchema, e.dataSchema)
        && dataContentType.equals(e.dataContentType)
        && extensions.equals(e.extensions)
        && Arrays.equals(data, e.data);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Event[id="
        + id
        + ", type="
        + type
        + ", source="
        + source
        + ", bytes="
        + data.length
        + "]";
  }

  /** Builds an {@link Event}; {@link #build()} validates every attribute. */
  public static final class Builder {
    private String id;
    private String source;
    private String type;
    private Instant time;
    private String subject;
    private String dataSchema;
    private String dataContentType;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private byte[] data;
    private Object value;
    private boolean hasValue;
    private DataCodec codec;

    private Builder() {}

    /**
     * @param id the event id; generated when not set
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * @param source the source URI-reference; the publishing instance's source when not set
     * @return this builder
     */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /**
     * @param type the event type
     * @return this builder
     */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /**
     * @param time when the event happened; now when not set
     * @return this builder
     */
    public Builder time(Instant time) {
      this.time = time;
      return this;
    }

    /**
     * @param subject the subject of the event within its source, or {@code null}
     * @return this builder
     */
    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    /**
     * Sets the data as an object to be encoded, as JSON by default.
     *
     * @param value the data, usually a record; {@code null} for no data
     * @return this builder
     */
    public Builder data(Object value) {
      this.value = value;
      this.hasValue = true;
      this.data = null;
      return this;
    }

    /**
     * Sets already encoded data.
     *
     * @param bytes the encoded data
     * @param contentType its media type, for example {@code application/json}
     * @return this builder
     */
    public Builder data(byte[] bytes, String contentType) {
      this.data = bytes == null ? null : bytes.clone();
      this.dataContentType = contentType;
      this.value = null;
      this.hasValue = false;
      return this;
    }

    /**
     * Sets data that is already JSON text.
     *
     * @param json JSON text
     * @return this builder
     */
    public Builder jsonData(String json) {
      return data(json.getBytes(StandardCharsets.UTF_8), JSON);
    }

    /**
     * @param codec the codec for {@link #data(Object)} and {@link Event#data(Class)}
     * @return this builder
     */
    public Builder codec(DataCodec codec) {
      this.codec = codec;
      return this;
    }

    /**
     * @param dataSchema the absolute URI of the schema the data adheres to, or {@code null}
     * @return this builder
     */
    public Builder dataSchema(String dataSchema) {
      this.dataSchema = dataSchema;
      return this;
    }

    /**
     * Sets an extension attribute.
     *
     * @param name lower-case letters and digits, at most 20 characters
     * @param value a {@link String}, {@link Boolean} or integer ({@link Integer}, or a {@link
     *     Long}, {@link Short} or {@link Byte} within the 32-bit range CloudEvents allows); {@code
     *     null} removes the attribute
     * @return this builder
     * @throws InvalidInputException when the value has another type or is out of range
     */
    public Builder extension(String name, Object value) {
      if (value == null) {
        extensions.remove(name);
      } else {
        extensions.put(name, extensionValue(name, value));
      }
      return this;
    }

    /**
     * @param correlationId the conversation this event belongs to
     * @return this builder
     */
    public Builder correlationId(String correlationId) {
      return extension(CORRELATION_ID, correlationId);
    }

    /**
     * @param causationIds the ids of the events that caused this one
     * @return this builder
     */
    public Builder causationIds(List<String> causationIds) {
      return extension(
          CAUSATION_ID,
          causationIds == null || causationIds.isEmpty() ? null : String.join(",", causationIds));
    }

    /**
     * @param causationId the id of the event that caused this one
     * @return this builder
     */
    public Builder causationId(String causationId) {
      return extension(CAUSATION_ID, causationId);
    }

    /**
     * @param partitionKey the key whose events an ordered subscription handles in order
     * @return this builder
     */
    public Builder partitionKey(String partitionKey) {
      return extension(PARTITION_KEY, partitionKey);
    }

    /**
     * @return the event
     * @throws InvalidInputException naming the first invalid attribute
     */
    public Event build() {
      Topics.requireValidType(type);
      if (id != null && id.isBlank()) {
        throw new InvalidInputException("invalid event id: it is blank");
      }
      if (source != null && source.isBlank()) {
        throw new InvalidInputException("invalid event source: it is blank");
      }
      if (dataSchema != null) {
        requireAbsoluteUri(dataSchema);
      }
      for (String name : extensions.keySet()) {
        if (!isExtensionName(name)) {
          throw new InvalidInputException(
              "invalid extension name '"
                  + name
                  + "': lower-case letters and digits only, at most 20 characters");
        }
        if (RESERVED.contains(name)) {
          throw new InvalidInputException(
              "invalid extension name '" + name + "': it is a CloudEvents context attribute");
        }
      }
      return new Event(this);
    }
  }

  /** CloudEvents' extension types as Java values: String, Boolean, 32-bit Integer. */
  private static Object extensionValue(String name, Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Integer) {
      return value;
    }
    if (value instanceof Long || value instanceof Short || value instanceof Byte) {
      long n = ((Number) value).longValue();
      if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
        throw new InvalidInputException(
            "invalid extension '"
                + name
                + "': "
                + n
                + " is outside CloudEvents' 32-bit integer range; send it as a string");
      }
      return (int) n;
    }
    throw new InvalidInputException(
        "invalid extension '"
            + name
            + "': a "
            + value.getClass().getSimpleName()
            + " is no CloudEvents extension type; use a string, an integer or a boolean");
  }

  private static void requireAbsoluteUri(String dataSchema) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(dataSchema);
    } catch (java.net.URISyntaxException e) {
      throw new InvalidInputException(
          "invalid dataschema '" + dataSchema + "': not a URI (" + e.getReason() + ")");
    }
    if (!uri.isAbsolute()) {
      throw new InvalidInputException(
          "invalid dataschema '" + dataSchema + "': CloudEvents needs an absolute URI");
    }
  }

  /** Lower-case letters and digits, 1 to 20 of them: {@code [a-z0-9]{1,20}} without a regex. */
  private static boolean isExtensionName(String name) {
    int n = name.length();
    if (n == 0 || n > 20) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /** Finds the data codec the implementation provides. */
  private static final class Codecs {
    private static volatile DataCodec defaultCodec;

    static DataCodec defaultCodec() {
      DataCodec c = defaultCodec;
      if (c == null) {
        c =
            ServiceLoader.load(DataCodec.class, Event.class.getClassLoader())
                .findFirst()
                .orElseThrow(
                    () ->
                        new WarrenException(
                            "no DataCodec found: put warren-core on the class path"));
        defaultCodec = c;
      }
      return c;
    }
  }
}
