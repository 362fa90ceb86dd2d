package org.provisioning.common.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.provisioning.common.testing.ManualClock;

class StatisticsHistoryTest {
  private static final long START = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();

  private final ManualClock clock = new ManualClock(START);
  private final StatisticsRegistry registry = new StatisticsRegistry();
  private final StatisticsHistory history = new StatisticsHistory(registry, clock);

  StatisticsHistoryTest() {
    registry.declare(
        List.of(
            counter("dns.query.{type}", "queries", "Queries."),
            counter("dhcp.sent.{type}", "messages", "Sent."),
            gauge("dhcp.pool.{pool}.used", "addresses", "Used."),
            gauge("dhcp.pool.{pool}.size", "addresses", "Size.")));
  }

  /** Takes a sample, then moves the clock one interval on. */
  private void sample() {
    history.sample();
    clock.advance(Duration.ofSeconds(10));
  }

  @Test
  void keepsOneHourOfTenSecondSamplesAndForgetsOlderOnes() {
    AtomicLong used = new AtomicLong();
    registry.gauge("dhcp.pool.cm.used", used::get);
    for (int i = 0; i < 400; i++) {
      used.set(i * 3L);
      sample();
    }
    assertEquals(360, history.window());
    StatisticsHistory.Series series = history.series("dhcp.pool.cm.used").orElseThrow();
    assertEquals(360, series.values().length);
    assertEquals(40 * 3, series.values()[0], "the oldest kept is sample 40");
    assertEquals(399 * 3, series.values()[359]);
    assertEquals(START + 40 * 10_000, series.times()[0]);
    assertEquals(START + 399 * 10_000, series.times()[359]);
    assertEquals(StatisticDefinition.Kind.GAUGE, series.kind());
    assertEquals("addresses", series.unit());
    assertTrue(Double.isNaN(series.rates()[100]), "a gauge has no rate");
  }

  @Test
  void readsCountersAsRatesPerSecond() {
    Counter acks = registry.counter("dhcp.sent.ack");
    sample();
    acks.add(50); // 50 in 10 s
    sample();
    acks.add(7);
    clock.advance(Duration.ofSeconds(4)); // a late sample: 7 in 14 s
    sample();

    StatisticsHistory.Series series = history.series("dhcp.sent.ack").orElseThrow();
    assertArrayEquals(new long[] {0, 50, 57}, series.values());
    assertTrue(Double.isNaN(series.rates()[0]), "nothing before the first sample");
    assertEquals(5.0, series.rates()[1], 1e-9);
    assertEquals(0.5, series.rates()[2], 1e-9);
  }

  @Test
  void aCounterResetCountsAgainFromZero() {
    registry.counter("dhcp.sent.ack").add(100);
    sample();
    registry.removeAll("dhcp.sent.");
    registry.counter("dhcp.sent.ack").add(30);
    sample();
    StatisticsHistory.Series series = history.series("dhcp.sent.ack").orElseThrow();
    assertEquals(3.0, series.rates()[1], 1e-9);
  }

  @Test
  void sumsCountersIntoOneRateAndCountsANewOneFromZero() {
    Counter a = registry.counter("dns.query.a");
    registry.counter("dhcp.sent.ack").add(1_000); // not a DNS query
    sample();
    a.add(20);
    sample();
    a.add(10);
    registry.counter("dns.query.aaaa").add(40); // its first queries since the last sample
    sample();

    StatisticsHistory.Rates rates = history.rates(name -> name.startsWith("dns.query."));
    assertEquals(3, rates.times().length);
    assertTrue(Double.isNaN(rates.perSecond()[0]));
    assertEquals(2.0, rates.perSecond()[1], 1e-9);
    assertEquals(5.0, rates.perSecond()[2], 1e-9);

    registry.removeAll("dns.query.aaaa"); // gone: it leaves the history, and no negative rate
    sample();
    assertTrue(history.series("dns.query.aaaa").isEmpty());
    rates = history.rates(name -> name.startsWith("dns.query."));
    assertEquals(0.0, rates.perSecond()[3], 1e-9);

    StatisticsHistory.Rates none = history.rates(name -> name.startsWith("tftp."));
    assertEquals(0.0, none.perSecond()[3], 1e-9, "no statistic at all: nothing happened");
  }

  @Test
  void keepsLargeAndNegativeChangesExactly() {
    long[] wild = {0, Long.MAX_VALUE / 2, -5, 1L << 40, 3, -(1L << 50), 0, 127, 128, -128};
    AtomicLong value = new AtomicLong();
    registry.gauge("dhcp.pool.wild.used", value::get);
    for (int round = 0; round < 100; round++) {
      for (long v : wild) {
        value.set(v);
        sample();
      }
    }
    long[] values = history.series("dhcp.pool.wild.used").orElseThrow().values();
    assertEquals(360, values.length);
    for (int i = 0; i < values.length; i++) {
      assertEquals(wild[(1000 - 360 + i) % wild.length], values[i], "sample " + i);
    }
  }

  @Test
  void memoryStaysBoundedWithAThousandPools() {
    // 1,000 pools: four gauges each, two steady (size) and two that move (used), plus traffic.
    AtomicLong tick = new AtomicLong();
    for (int p = 0; p < 1_000; p++) {
      int pool = p;
      registry.gauge("dhcp.pool.p" + p + ".size", () -> 1_000);
      registry.gauge("dhcp.pool.p" + p + ".used", () -> (tick.get() * 7 + pool) % 1_000);
      registry.counter("dhcp.sent.p" + p);
    }
    int statistics = registry.statistics().size();
    long afterNinetyMinutes = 0;
    for (int i = 0; i < 2 * 360; i++) {
      tick.incrementAndGet();
      for (int p = 0; p < 1_000; p += 3) {
        registry.counter("dhcp.sent.p" + p).add(p * 11L); // busy pools
      }
      sample();
      if (i == 540) { // past the retention, and past the buffers' growth while it filled
        afterNinetyMinutes = history.heldBytes();
      }
    }
    long afterTwoHours = history.heldBytes();
    assertEquals(statistics, history.size());
    assertTrue(
        afterTwoHours <= afterNinetyMinutes * 102 / 100,
        "no growth after the retention: " + afterNinetyMinutes + " then " + afterTwoHours);
    // Three longs a sample (one per statistic) would be 3,000 x 361 x 8 = 8.7 MB.
    assertTrue(
        afterTwoHours < 3_000 * 361 * 3,
        "at most 3 bytes a sample: " + afterTwoHours + " bytes for " + statistics);
    assertEquals(360, history.series("dhcp.pool.p999.used").orElseThrow().values().length);
  }

  @Test
  void refusesAnIntervalLongerThanTheRetention() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new StatisticsHistory(registry, clock, Duration.ofMinutes(2), Duration.ofMinutes(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StatisticsHistory(registry, clock, Duration.ZERO, Duration.ofMinutes(1)));
  }
}
