package org.provisioning.tod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TodTimeTest {

  /** The examples of RFC 868 itself, as unsigned 32-bit values. */
  @Test
  void encodesTheExamplesOfRfc868() {
    assertEquals(2_208_988_800L, unsigned("1970-01-01T00:00:00Z"));
    assertEquals(2_398_291_200L, unsigned("1976-01-01T00:00:00Z"));
    assertEquals(2_524_521_600L, unsigned("1980-01-01T00:00:00Z"));
    assertEquals(2_629_584_000L, unsigned("1983-05-01T00:00:00Z"));
    // "-1,297,728,000 corresponds to 00:00 17 Nov 1858 GMT": the same bits, read as signed.
    assertEquals(-1_297_728_000, TodTime.encode(Instant.parse("1858-11-17T00:00:00Z")));
  }

  @Test
  void wrapsToZeroAt2036AndKeepsCounting() {
    assertEquals(0xFFFF_FFFFL, unsigned("2036-02-07T06:28:15Z"));
    assertEquals(0L, unsigned("2036-02-07T06:28:16Z"));
    assertEquals(3_600L, unsigned("2036-02-07T07:28:16Z"));
    assertArrayEquals(
        new byte[] {0, 0, 0x0e, 0x10}, TodTime.bytes(Instant.parse("2036-02-07T07:28:16Z")));
  }

  @Test
  void truncatesFractionsOfASecond() {
    assertEquals(2_208_988_800L, unsigned("1970-01-01T00:00:00.999Z"));
  }

  @Test
  void decodesAcrossTheWrapWithTheEraNearestToNow() {
    Instant after = Instant.parse("2036-02-07T07:28:16Z");
    Instant before = Instant.parse("2036-02-07T05:00:00Z");
    assertEquals(after, TodTime.decode(TodTime.encode(after), before));
    assertEquals(before, TodTime.decode(TodTime.encode(before), after));
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    assertEquals(now, TodTime.decode(TodTime.encode(now), now.plusSeconds(90)));
  }

  private static long unsigned(String instant) {
    return Integer.toUnsignedLong(TodTime.encode(Instant.parse(instant)));
  }
}
