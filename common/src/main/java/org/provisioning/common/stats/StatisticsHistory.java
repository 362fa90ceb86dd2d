package org.provisioning.common.stats;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.provisioning.common.service.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent past of every statistic of a {@link StatisticsRegistry}, so the console can draw it:
 * every statistic sampled at a fixed interval (10 s by default) and kept for a retention (one hour
 * by default), counters also read as rates per second.
 *
 * <p>Memory stays bounded and small with thousands of statistics (1,000 pools register eight gauges
 * each): one shared ring of sample times, and per statistic the oldest value kept followed by the
 * change at each later sample, as zig-zag variable-length integers. A statistic that does not
 * change costs one byte per sample, a busy counter two or three; a whole hour of 10,000 statistics
 * sampled every 10 s holds a few megabytes, where a {@code long} per sample would hold 29. A
 * statistic that leaves the registry (a pool removed) leaves the history at the next sample; one
 * that comes back starts afresh.
 *
 * <p>Thread-safe: one thread samples ({@link #start()}), any thread reads.
 */
public final class StatisticsHistory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatisticsHistory.class);

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

  /** The most samples a history may keep (a week at 10 s): a bound on a misconfiguration. */
  static final int MAX_SAMPLES = 60_480;

  private final StatisticsRegistry registry;
  private final Clock clock;
  private final Duration interval;
  private final int window;

  /**
   * Sample times by sequence number, {@code window + 1} of them: one more than is shown, so the
   * oldest sample shown has the one before it to make a rate from.
   */
  private final long[] times;

  private long nextSeq;
  private final Map<String, Track> tracks = new HashMap<>();
  private ScheduledExecutorService timer;

  /** A history of {@code registry} at the default interval and retention. */
  public StatisticsHistory(StatisticsRegistry registry, Clock clock) {
    this(registry, clock, DEFAULT_INTERVAL, DEFAULT_RETENTION);
  }

  /**
   * @param interval time between two samples
   * @param retention how far back samples are kept; a whole number of intervals, at least one
   */
  public StatisticsHistory(
      StatisticsRegistry registry, Clock clock, Duration interval, Duration retention) {
    if (interval.isNegative() || interval.isZero() || retention.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "statistics history: the interval must be positive and the retention at least one"
              + " interval (interval "
              + interval
              + ", retention "
              + retention
              + ")");
    }
    long samples = retention.toMillis() / interval.toMillis();
    if (samples > MAX_SAMPLES) {
      throw new IllegalArgumentException(
          "statistics history: " + samples + " samples is more than " + MAX_SAMPLES);
    }
    this.registry = registry;
    this.clock = clock;
    this.interval = interval;
    this.window = (int) samples;
    this.times = new long[window + 1];
  }

  public Duration interval() {
    return interval;
  }

  /** How many samples are shown at most: the retention divided by the interval. */
  public int window() {
    return window;
  }

  /** Samples every {@link #interval()} on a daemon thread of its own, the first one now. */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("statistics-history"));
    long every = interval.toMillis();
    timer.scheduleAtFixedRate(this::sampleQuietly, 0, every, TimeUnit.MILLISECONDS);
    log.info("STATS_HISTORY_STARTED interval_s={} samples={}", interval.toSeconds(), window);
  }

  /** Stops sampling; what was sampled stays readable. Idempotent. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // One failed sample (a gauge that threw) must not stop the next ones.
      log.warn("STATS_HISTORY_SAMPLE_FAILED", e);
    }
  }

  /** Takes one sample of every statistic now (the timer calls this; tests call it directly). */
  public void sample() {
    var statistics = registry.statistics();
    long now = clock.millis();
    synchronized (this) {
      long seq = nextSeq++;
      times[slot(seq)] = now;
      long oldestHeld = Math.max(0, seq - window);
      for (StatisticsRegistry.Statistic s : statistics) {
        Track track = tracks.get(s.name());
        if (track == null || !track.definition.equals(s.definition())) {
          track = new Track(s.definition(), seq);
          tracks.put(s.name(), track);
        }
        track.append(s.value(), seq, oldestHeld);
      }
      // A statistic gone from the registry (a pool removed) is gone from the history.
      for (Iterator<Track> it = tracks.values().iterator(); it.hasNext(); ) {
        if (it.next().lastSeq != seq) {
          it.remove();
        }
      }
    }
  }

  private int slot(long seq) {
    return (int) (seq % times.length);
  }

  /** The recent history of one statistic; empty if it is not in the registry at the last sample. */
  public synchronized Optional<Series> series(String name) {
    Track track = tracks.get(name);
    if (track == null) {
      return Optional.empty();
    }
    long first = firstShown();
    long[] values = track.values();
    long heldFrom = track.lastSeq - values.length + 1;
    long from = Math.max(first, heldFrom);
    int count = (int) (nextSeq - from);
    long[] at = new long[count];
    long[] shown = new long[count];
    double[] rates = new double[count];
    boolean cumulative = track.definition.kind() != StatisticDefinition.Kind.GAUGE;
    for (int i = 0; i < count; i++) {
      long seq = from + i;
      int index = (int) (seq - heldFrom);
      at[i] = times[slot(seq)];
      shown[i] = values[index];
      if (!cumulative) {
        rates[i] = Double.NaN;
      } else if (index > 0) {
        rates[i] = perSecond(increase(values[index - 1], values[index]), seq);
      } else if (seq == track.bornSeq && seq > 0) {
        rates[i] = perSecond(values[index], seq); // a counter born since the last sample
      } else {
        rates[i] = Double.NaN; // the first sample ever: nothing before it
      }
    }
    StatisticDefinition d = track.definition;
    return Optional.of(new Series(name, d.kind(), d.unit(), d.help(), at, shown, rates));
  }

  /**
   * The rate per second of the sum of every cumulative statistic (counters, histogram series) whose
   * name {@code names} accepts, at each sample shown: how many DNS queries of all types were
   * answered, say. A statistic registered since the previous sample counts from zero, so the first
   * queries of a new type are not lost; no matching statistic at all reads as a rate of zero. The
   * oldest sample of a history that has no sample before it has no rate (NaN).
   */
  public Rates rates(Predicate<String> names) {
    return rates(List.of(names)).get(0);
  }

  /**
   * Several sums at once, on the same samples (a chart's lines): one {@link Rates} per predicate,
   * in their order, all sharing one {@code times} array.
   */
  public synchronized List<Rates> rates(List<Predicate<String>> sums) {
    long first = firstShown();
    int count = (int) (nextSeq - first);
    long[] at = new long[count];
    for (int i = 0; i < count; i++) {
      at[i] = times[slot(first + i)];
    }
    long[][] increase = new long[sums.size()][count];
    for (Map.Entry<String, Track> entry : tracks.entrySet()) {
      Track track = entry.getValue();
      if (track.definition.kind() == StatisticDefinition.Kind.GAUGE) {
        continue;
      }
      long[] values = null;
      for (int k = 0; k < sums.size(); k++) {
        if (!sums.get(k).test(entry.getKey())) {
          continue;
        }
        values = values == null ? track.values() : values;
        long heldFrom = track.lastSeq - values.length + 1;
        for (int index = 0; index < values.length; index++) {
          long seq = heldFrom + index;
          if (seq >= first && (index > 0 || (seq == track.bornSeq && seq > 0))) {
            long previous = index > 0 ? values[index - 1] : 0;
            increase[k][(int) (seq - first)] += increase(previous, values[index]);
          }
        }
      }
    }
    List<Rates> all = new ArrayList<>(sums.size());
    for (int k = 0; k < sums.size(); k++) {
      double[] perSecond = new double[count];
      for (int i = 0; i < count; i++) {
        perSecond[i] = perSecond(increase[k][i], first + i);
      }
      all.add(new Rates(at, perSecond));
    }
    return all;
  }

  /** How much a counter grew; a counter that went down was reset, and counts again from zero. */
  private static long increase(long before, long after) {
    return after >= before ? after - before : after;
  }

  /** An increase over the interval that ended at sample {@code seq}, per second. */
  private double perSecond(long increase, long seq) {
    if (seq == 0 || seq - 1 < nextSeq - times.length) {
      return Double.NaN;
    }
    long elapsed = times[slot(seq)] - times[slot(seq - 1)];
    return elapsed <= 0 ? Double.NaN : increase * 1000.0 / elapsed;
  }

  /** The sequence number of the oldest sample shown. */
  private long firstShown() {
    return Math.max(0, nextSeq - window);
  }

  /** How many statistics the history holds now. */
  public synchronized int size() {
    return tracks.size();
  }

  /** Samples taken since the start, those no longer held included. */
  public synchronized long samples() {
    return nextSeq;
  }

  /**
   * An estimate of the heap the history holds: its arrays and its objects at their usual sizes on a
   * 64-bit JVM with compressed pointers. Shown in the logs; the tests hold it to its bound.
   */
  public synchronized long heldBytes() {
    long bytes = 16 + 8L * times.length;
    for (Map.Entry<String, Track> entry : tracks.entrySet()) {
      // The map's entry and the name (a string and its bytes), the track and its buffer.
      bytes += 32 + 24 + 16 + entry.getKey().length();
      bytes += 48 + 16 + entry.getValue().deltas.length;
    }
    return bytes;
  }

  /**
   * A statistic over the samples shown, oldest first; arrays of one length.
   *
   * @param times when each sample was taken, in milliseconds since the epoch
   * @param values the statistic's value at each sample
   * @param rates for a counter (or a histogram's series) the increase per second over the interval
   *     that ended at each sample, NaN where there is no sample before; NaN throughout for a gauge
   */
  public record Series(
      String name,
      StatisticDefinition.Kind kind,
      String unit,
      String help,
      long[] times,
      long[] values,
      double[] rates) {}

  /**
   * A sum of counters as a rate per second at each sample shown, oldest first.
   *
   * @param times when each sample was taken, in milliseconds since the epoch
   */
  public record Rates(long[] times, double[] perSecond) {}

  /**
   * One statistic's values: {@code base}, the value at the oldest sample held, then the change at
   * each later sample as a zig-zag varint in {@code deltas[start, end)}. Dropping the oldest sample
   * reads its successor's change into the base; the bytes are moved down only when the buffer is
   * full, so appends and drops cost O(1) amortised.
   */
  private static final class Track {
    final StatisticDefinition definition;

    /** The sample this statistic was first seen at. */
    final long bornSeq;

    long lastSeq = -1;
    long base;
    long last;
    int held;
    byte[] deltas = new byte[16];
    int start;
    int end;

    Track(StatisticDefinition definition, long bornSeq) {
      this.definition = definition;
      this.bornSeq = bornSeq;
    }

    void append(long value, long seq, long oldestHeld) {
      if (held == 0) {
        base = value;
      } else {
        write(zigZag(value - last));
      }
      last = value;
      lastSeq = seq;
      held++;
      while (lastSeq - held + 1 < oldestHeld) {
        dropOldest();
      }
    }

    private void dropOldest() {
      long change = 0;
      int shift = 0;
      byte b;
      do {
        b = deltas[start++];
        change |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while (b < 0);
      base += unZigZag(change);
      held--;
    }

    private void write(long zigZagged) {
      if (end + 10 > deltas.length) {
        makeRoom();
      }
      long v = zigZagged;
      while ((v & ~0x7fL) != 0) {
        deltas[end++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      deltas[end++] = (byte) v;
    }

    /**
     * Moves the held bytes to the front; resizes the buffer so that they fill about three quarters
     * of it when they fill more than that, or less than a quarter (a burst of large changes gone).
     */
    private void makeRoom() {
      int length = end - start;
      int size = deltas.length;
      int needed = length + 10;
      if (needed > size * 3 / 4 || needed < size / 4) {
        size = needed * 4 / 3 + 16;
      }
      byte[] moved = size == deltas.length ? deltas : new byte[size];
      System.arraycopy(deltas, start, moved, 0, length);
      deltas = moved;
      start = 0;
      end = length;
    }

    /** Every value held, oldest first. */
    long[] values() {
      long[] values = new long[held];
      long value = base;
      int at = start;
      for (int i = 0; i < held; i++) {
        if (i > 0) {
          long change = 0;
          int shift = 0;
          byte b;
          do {
            b = deltas[at++];
            change |= (long) (b & 0x7f) << shift;
            shift += 7;
          } while (b < 0);
          value += unZigZag(change);
        }
        values[i] = value;
      }
      return values;
    }

    private static long zigZag(long n) {
      return (n << 1) ^ (n >> 63);
    }

    private static long unZigZag(long n) {
      return (n >>> 1) ^ -(n & 1);
    }
  }
}
