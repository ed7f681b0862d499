package dev.warren.spi;

/**
 * Turns event data into bytes and back. Warren's core provides a Jackson JSON codec, found through
 * {@link java.util.ServiceLoader}; an application rarely implements this.
 */
public interface DataCodec {
  /**
   * @return the content type this codec writes, for example {@code application/json}
   */
  String contentType();

  /**
   * @param value the data object
   * @return its encoded form
   * @throws dev.warren.InvalidInputException when the value cannot be encoded
   */
  byte[] encode(Object value);

  /**
   * @param data encoded data
   * @param type the type to read it as
   * @param <T> the type
   * @return the decoded value
   * @throws dev.warren.InvalidInputException when the data cannot be read as that type
   */
  <T> T decode(byte[] data, Class<T> type);
}
