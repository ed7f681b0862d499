package dev.warren.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Message bodies: a fixed pattern with a {@link System#nanoTime()} stamp in the first eight bytes,
 * so a consumer in the same JVM measures latency from the body alone, the same way for every
 * library (no header a library might treat specially).
 */
public final class Payload {
  /** The smallest body that holds a stamp. */
  public static final int MIN_BYTES = Long.BYTES;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Payload() {}

  /**
   * @param size body size in bytes
   * @return a body template of printable bytes
   */
  public static byte[] template(int size) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) ('a' + i % 26);
    }
    return body;
  }

  /**
   * @param template the template
   * @param nanos the stamp, a {@link System#nanoTime()} value
   * @return a new body: the template with the stamp
   */
  public static byte[] stamped(byte[] template, long nanos) {
    byte[] body = Arrays.copyOf(template, template.length);
    LONGS.set(body, 0, nanos);
    return body;
  }

  /**
   * @param body a body made by {@link #stamped}
   * @return its stamp
   */
  public static long stamp(byte[] body) {
    return (long) LONGS.get(body, 0);
  }
}
