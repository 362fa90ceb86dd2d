package org.provisioning.tod;

import java.time.Instant;

/**
 * The RFC 868 time value: seconds since 1900-01-01T00:00:00Z as 32 unsigned bits. The count passes
 * 2^32 on 2036-02-07T06:28:16Z and starts again at 0 (era 1), as RFC 868 and every client that
 * reads it (rdate, Commons Net) expect: the value is the count modulo 2^32, never clamped.
 */
public final class TodTime {
  /** Seconds from 1900-01-01 to 1970-01-01 (70 years, 17 of them leap). */
  public static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

  private TodTime() {}

  /** The 32-bit value for {@code instant}; the seconds are truncated, never rounded up. */
  public static int encode(Instant instant) {
    return (int) (instant.getEpochSecond() + SECONDS_1900_TO_1970);
  }

  /** The four octets sent on the wire, most significant first. */
  public static byte[] bytes(Instant instant) {
    int value = encode(instant);
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  /**
   * The instant a value stands for, taking the era (the 136-year span) nearest to {@code near}: how
   * a client past 2036 reads a wrapped value back.
   */
  public static Instant decode(int value, Instant near) {
    long unsigned = Integer.toUnsignedLong(value);
    long nearSince1900 = near.getEpochSecond() + SECONDS_1900_TO_1970;
    long era = Math.floorDiv(nearSince1900 - unsigned + (1L << 31), 1L << 32);
    return Instant.ofEpochSecond(era * (1L << 32) + unsigned - SECONDS_1900_TO_1970);
  }
}
