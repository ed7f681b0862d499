package dev.warren;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Version 7 UUIDs (RFC 9562): a millisecond timestamp followed by random bits, so ids sort by time
 * and index well. A monotonic counter in the random bits keeps ids from one JVM strictly ordered
 * within a millisecond.
 */
final class Ids {
  private static final SecureRandom SEED = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();
  private static final long NODE = SEED.nextLong();

  private Ids() {}

  static String next() {
    // why: (millis << 12 | sequence) packed in one long gives ordering without locks
    long now = System.currentTimeMillis() << 12;
    long stamp = LAST.updateAndGet(prev -> Math.max(prev + 1, now));
    long millis = stamp >>> 12;
    long seq = stamp & 0xFFF;
    long msb = (millis << 16) | 0x7000L | seq;
    long lsb = (NODE & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    lsb ^= Long.rotateLeft(stamp, 17) & 0x0FFFFFFFFFFFL;
    return new UUID(msb, lsb).toString();
  }
}
