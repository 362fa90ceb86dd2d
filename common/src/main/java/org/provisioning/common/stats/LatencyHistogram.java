package org.provisioning.common.stats;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of durations in fixed buckets (microseconds), published as cumulative counters {@code
 * <prefix>.le_<bound>} plus {@code <prefix>.count} and {@code <prefix>.sum_us}, the way Prometheus
 * histograms read, so any percentile can be estimated from the counters alone.
 */
public final class LatencyHistogram {
  private static final long[] BOUNDS_US = {
    50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000
  };

  /** The upper bounds of the buckets, in microseconds (the last bucket is unbounded). */
  public static List<Long> bounds() {
    return java.util.Arrays.stream(BOUNDS_US).boxed().toList();
  }

  /** True for the last segment of one of a histogram's statistics: le_N, count or sum_us. */
  static boolean isSeriesSuffix(String segment) {
    return segment.equals("count")
        || segment.equals("sum_us")
        || (segment.startsWith("le_") && segment.substring(3).chars().allMatch(Character::isDigit));
  }

  private final LongAdder[] buckets = new LongAdder[BOUNDS_US.length + 1];
  private final LongAdder sumMicros = new LongAdder();

  public LatencyHistogram(StatisticsRegistry registry, String prefix) {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
    for (int i = 0; i < BOUNDS_US.length; i++) {
      int upTo = i;
      registry.gauge(prefix + ".le_" + BOUNDS_US[i], () -> cumulative(upTo));
    }
    registry.gauge(prefix + ".count", () -> cumulative(buckets.length - 1));
    registry.gauge(prefix + ".sum_us", sumMicros::sum);
  }

  public void recordNanos(long nanos) {
    long micros = nanos / 1_000;
    int i = 0;
    while (i < BOUNDS_US.length && micros > BOUNDS_US[i]) {
      i++;
    }
    buckets[i].increment();
    sumMicros.add(micros);
  }

  private long cumulative(int upTo) {
    long total = 0;
    for (int i = 0; i <= upTo; i++) {
      total += buckets[i].sum();
    }
    return total;
  }
}
